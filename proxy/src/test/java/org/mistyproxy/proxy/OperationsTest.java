package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.proxy.Rig.Api;
import org.mistyproxy.proxy.server.ProxyServer;
import org.mistyproxy.sim.Simulator;

/** /healthz, /metrics and graceful shutdown. */
class OperationsTest {
    @TempDir Path dir;

    @Test
    void metricsFollowInstancesAndUrls() throws Exception {
        try (Simulator robot = Simulator.start("127.0.0.1", 0)) {
            Deployment d = Rig.deployment("fixed_misty2", robot.port());
            try (ProxyServer server = ProxyServer.start(Rig.config(dir, List.of(d)), Rig.fast())) {
                Api a = Api.of(server.publicBaseUrl(), Rig.URSULA);
                assertEquals("0.0", TokenScaleTest.metric(server, "mistyproxy_instances_live"));
                String iid = a.ready(d.id().toString());
                a.activate(iid);
                assertEquals("1.0", TokenScaleTest.metric(server, "mistyproxy_instances_live"));
                assertEquals("1.0", TokenScaleTest.metric(server, "mistyproxy_proxy_urls_active"));
                a.post("/terminate/" + iid);
                assertEquals("0.0", TokenScaleTest.metric(server, "mistyproxy_instances_live"));
                assertEquals("0.0", TokenScaleTest.metric(server, "mistyproxy_proxy_urls_active"));
                String text = Rig.fetch(server.publicBaseUrl() + "/metrics").body();
                assertTrue(text.contains("# TYPE mistyproxy_http_requests_total counter"), text);
                assertTrue(text.contains("mistyproxy_http_requests_total{route=\"control\",status=\"2xx\"}"), text);
                Rig.Resp h = Rig.fetch(server.publicBaseUrl() + "/healthz");
                assertEquals(200, h.status());
                assertEquals("{\"status\":\"ok\"}", h.body());
            }
        }
    }

    @Test
    void shutdownFinishesInFlightRequests() throws Exception {
        try (Simulator robot = Simulator.start("127.0.0.1", 0)) {
            Deployment d = Rig.deployment("fixed_misty2", robot.port());
            ProxyServer server = ProxyServer.start(Rig.config(dir, List.of(d)), Rig.fast());
            String body = "{\"reserve\": false}";
            try (Socket s = new Socket("127.0.0.1", server.port())) {
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                // a request whose body is still arriving when shutdown begins
                out.write(("POST /new/" + d.id() + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + Rig.URSULA
                        + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body.substring(0, 5)).getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Rig.await(() -> Double.parseDouble(TokenScaleTest.metric(server, "mistyproxy_http_requests_in_flight")) >= 2,
                        Duration.ofSeconds(10), () -> "the slow request to be in flight");
                CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
                // new requests are turned away once shutdown has begun
                Rig.await(() -> statusOrMinus1(server.port()) != 200, Duration.ofSeconds(10), () -> "shutdown to begin");
                out.write(body.substring(5).getBytes(StandardCharsets.US_ASCII));
                out.flush();
                String response = readResponse(s.getInputStream());
                assertTrue(response.startsWith("HTTP/1.1 200"), response);
                assertTrue(response.contains("\"success\":true"), response);
                closing.get(10, TimeUnit.SECONDS);
            }
        }
    }

    private static int statusOrMinus1(int port) {
        try {
            return Api.of("http://127.0.0.1:" + port, null).http().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/healthz")).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static String readResponse(InputStream in) throws Exception {
        StringBuilder sb = new StringBuilder();
        byte[] buf = new byte[4096];
        while (true) {
            int n = in.read(buf);
            if (n < 0) break;
            sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            int h = sb.indexOf("\r\n\r\n");
            if (h >= 0) {
                String head = sb.substring(0, h).toLowerCase(java.util.Locale.ROOT);
                int cl = head.indexOf("content-length: ");
                if (cl >= 0) {
                    int len = Integer.parseInt(head.substring(cl + 16, head.indexOf("\r\n", cl) < 0 ? head.length() : head.indexOf("\r\n", cl)).trim());
                    if (sb.length() >= h + 4 + len) break;
                }
            }
        }
        return sb.toString();
    }
}
