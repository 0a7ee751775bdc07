package org.mistyproxy.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A loopback HTTP receiver for event URLs: records every POST body, answers {@code status}. */
final class EventReceiver implements AutoCloseable {
    /** One POST as received: the path with its query, and the JSON body. */
    record Post(String pathAndQuery, JsonNode body) {}

    private final HttpServer server;
    private final List<Post> posts = new ArrayList<>();
    private final AtomicInteger status = new AtomicInteger(204);

    EventReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            JsonNode j = Rig.JSON.readTree(body);
            synchronized (posts) {
                posts.add(new Post(ex.getRequestURI().toString(), j));
            }
            ex.sendResponseHeaders(status.get(), -1);
            ex.close();
        });
        server.start();
    }

    void answer(int s) {
        status.set(s);
    }

    /** An event URL on this receiver; {@code name} tells the receivers apart. */
    String url(String name) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + name + "?secret=s3cr3t";
    }

    List<Post> posts(String name) {
        synchronized (posts) {
            List<Post> out = new ArrayList<>();
            for (Post p : posts) if (p.pathAndQuery().startsWith("/" + name + "?")) out.add(p);
            return out;
        }
    }

    /** The {@code kind:status} of each POST to {@code name} about {@code id}, in arrival order. */
    List<String> statuses(String name, String id) {
        List<String> out = new ArrayList<>();
        for (Post p : posts(name)) if (p.body().path("id").asText().equals(id)) out.add(p.body().path("kind").asText() + ":" + p.body().path("status").asText());
        return out;
    }

    void await(String name, String id, String kindStatus) {
        Rig.await(() -> statuses(name, id).contains(kindStatus), Duration.ofSeconds(10),
                () -> name + " never got " + kindStatus + " for " + id + "; got " + statuses(name, id));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
