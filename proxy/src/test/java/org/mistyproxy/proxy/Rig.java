package org.mistyproxy.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.mistyproxy.config.Camera;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.Listen;
import org.mistyproxy.config.MistyProxyConfig;
import org.mistyproxy.config.RobotAddress;
import org.mistyproxy.config.Role;
import org.mistyproxy.config.Tls;
import org.mistyproxy.config.User;
import org.mistyproxy.proxy.access.ProxyToken;
import org.mistyproxy.proxy.server.ServerOptions;

/** Builds configurations and talks to a running server the way a client would. */
final class Rig {
    static final String OWNER = "owner-secret-token";
    static final String URSULA = "ursula-secret-token";
    static final String VICTOR = "victor-secret-token";
    static final ObjectMapper JSON = new ObjectMapper();

    private Rig() {}

    static List<User> users() {
        return List.of(
                new User("olive", Role.OWNER, ProxyToken.sha256Hex(OWNER)),
                new User("ursula", Role.USER, ProxyToken.sha256Hex(URSULA)),
                new User("victor", Role.USER, ProxyToken.sha256Hex(VICTOR)));
    }

    static Deployment deployment(String type, int robotPort, Camera... cameras) {
        return new Deployment(UUID.randomUUID(), type, "lab", "a Misty II on the bench", new RobotAddress("127.0.0.1", robotPort),
                Optional.empty(), List.of("*"), List.of(cameras));
    }

    static Camera synthetic(String id) {
        return new Camera(id, "synthetic", 320, 240, 10, Optional.empty(), 80);
    }

    static MistyProxyConfig config(Path dataDir, List<Deployment> deployments) {
        return config(dataDir, deployments, Optional.empty());
    }

    static MistyProxyConfig config(Path dataDir, List<Deployment> deployments, Optional<Tls> tls) {
        return new MistyProxyConfig(dataDir.resolve("mistyproxy.yaml"), new Listen("127.0.0.1", 0), Optional.empty(), tls,
                dataDir, users(), deployments);
    }

    static ServerOptions fast() {
        return ServerOptions.defaults().withInitTimeout(Duration.ofSeconds(2)).withShutdownGrace(Duration.ofSeconds(5));
    }

    record Resp(int status, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (status " + status + "): " + body, e);
            }
        }

        String errorMessage() {
            return json().path("error_message").asText(null);
        }
    }

    /** A control-API client with one API token. */
    record Api(HttpClient http, String base, String token) {
        static Api of(String base, String token) {
            return new Api(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), base, token);
        }

        Resp get(String path) {
            return send("GET", path, null);
        }

        Resp post(String path) {
            return send("POST", path, null);
        }

        Resp post(String path, String body) {
            return send("POST", path, body);
        }

        Resp delete(String path) {
            return send("DELETE", path, null);
        }

        Resp send(String method, String path, String body) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (token != null) b.header("Authorization", "Bearer " + token);
            try {
                HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                return new Resp(r.statusCode(), r.body());
            } catch (IOException e) {
                throw new AssertionError(method + " " + path + ": " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        /** Creates an instance and waits for it to leave INIT; returns its id. */
        String ready(String deploymentOrType) {
            Resp r = post("/new/" + deploymentOrType, "{\"reserve\": false}");
            if (r.status() != 200) throw new AssertionError("POST /new: " + r);
            String iid = r.json().get("id").asText();
            awaitStatus(iid, "READY");
            return iid;
        }

        String status(String iid) {
            return get("/instance/" + iid).json().path("status").asText();
        }

        void awaitStatus(String iid, String wanted) {
            await(() -> status(iid).equals(wanted), Duration.ofSeconds(10), () -> "instance " + iid + " never reached " + wanted + ": " + get("/instance/" + iid));
        }

        /** Activates mistyproxy and returns the long URL (url[1]). */
        String activate(String iid) {
            Resp r = post("/addon/mistyproxy/" + iid);
            if (r.status() != 200) throw new AssertionError("activate: " + r);
            return get("/addon/mistyproxy/" + iid).json().get("url").get(1).asText();
        }
    }

    /** Plain request without an API token (proxy URLs are capabilities). */
    static Resp fetch(String url) {
        return Api.of("", null).send("GET", url, null);
    }

    /** The status of a GET, reading only the head: for endless bodies such as MJPEG streams. */
    static int statusOnly(String url) {
        try {
            HttpResponse<java.io.InputStream> r = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofInputStream());
            r.body().close();
            return r.statusCode();
        } catch (IOException e) {
            throw new AssertionError("GET " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static void await(BooleanSupplier condition, Duration within, java.util.function.Supplier<String> what) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out: " + what.get());
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
