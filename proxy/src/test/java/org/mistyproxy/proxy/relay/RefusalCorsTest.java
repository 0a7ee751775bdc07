package org.mistyproxy.proxy.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.sim.Simulator;

/**
 * Every answer the proxy itself gives on a proxy URL carries the CORS headers the deployment
 * allows, so a web page reads why (Misty's envelope) instead of a CORS failure. The deployment
 * lists its origin with the default port; the page sends it without.
 */
class RefusalCorsTest {
    private static final String ORIGIN = "https://app.example.org";

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Simulator robot;
    private RelayFront front;

    @TempDir
    Path dataDir;

    @BeforeEach
    void start() throws Exception {
        robot = Simulator.start("127.0.0.1", 0);
        front = new RelayFront(dataDir, RelayFront.FAST);
        front.add("i1", RelayFront.deployment("127.0.0.1", robot.port(), List.of(ORIGIN + ":443")), HttpRelayTest.testPolicy());
    }

    @AfterEach
    void stop() {
        front.close();
        robot.close();
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(front.url("i1") + path)).timeout(Duration.ofSeconds(10))
                .header("Origin", ORIGIN).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private void assertReadable(int status, HttpResponse<String> r) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals(ORIGIN, r.headers().firstValue("Access-Control-Allow-Origin").orElse(null), status + ": " + r.headers().map());
        assertTrue(r.headers().allValues("Vary").contains("Origin"), r.headers().map().toString());
        assertEquals("Failed", json.readTree(r.body()).path("status").asText(), r.body());
        assertTrue(json.readTree(r.body()).path("error").asText().length() > 0, r.body());
    }

    @Test
    void policyRefusalsCarryCors() throws Exception {
        assertReadable(403, send("POST", "/api/reboot", "{}"));
        assertReadable(413, send("POST", "/api/drive", "{\"LinearVelocity\": 1, \"pad\": \"" + "x".repeat(2 << 20) + "\"}"));
        int limited = 0;
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> r = send("POST", "/api/led", "{\"red\": 1, \"green\": 2, \"blue\": 3}");
            if (r.statusCode() != 200) {
                assertReadable(429, r);
                limited++;
            }
        }
        assertTrue(limited > 0, "6 requests at once exceed 2/s");
        assertEquals(List.of(), robot.requests().stream().filter(q -> !q.path().equals("/api/led")).toList(),
                "refused requests never reach the robot");
    }

    @Test
    void upstreamFailuresCarryCors() throws Exception {
        robot.stall(true);
        assertReadable(504, send("GET", "/api/battery", null));
        robot.stall(false);
        robot.refuseConnections();
        assertReadable(502, send("GET", "/api/battery", null));
    }
}
