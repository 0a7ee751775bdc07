package org.mistyproxy.proxy.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.policy.Policy;
import org.mistyproxy.sim.RecordedRequest;
import org.mistyproxy.sim.Simulator;

/**
 * Request bodies with a {@code Content-Encoding} (issue 10, item 6), over real sockets: the robot's
 * API decodes none, and the relay sends the body it checked, so an encoded body is refused with a
 * reason and the header never reaches the robot.
 */
class ContentEncodingTest {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Simulator robot;
    private RelayFront front;

    @TempDir
    Path dataDir;

    @BeforeEach
    void start() throws Exception {
        robot = Simulator.start("127.0.0.1", 0);
        front = new RelayFront(dataDir, RelayFront.FAST);
        front.add("i1", RelayFront.deployment("127.0.0.1", robot.port(), List.of("*")), HttpRelayTest.testPolicy());
        front.add("all", RelayFront.deployment("127.0.0.1", robot.port(), List.of("*")), Policy.shipped("allow-all"));
    }

    @AfterEach
    void stop() {
        front.close();
        robot.close();
    }

    private HttpResponse<String> post(String url, byte[] body, String encoding) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("Content-Encoding", encoding)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] gzip(String s) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(s.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    @Test
    void aGzipBodyIsRefusedWithItsReasonAndNeverReachesTheRobot() throws Exception {
        for (String instance : List.of("i1", "all")) {
            HttpResponse<String> r = post(front.url(instance) + "/api/drive",
                    gzip("{\"LinearVelocity\": 5, \"AngularVelocity\": 0}"), "gzip");
            assertEquals(403, r.statusCode(), r.body());
            assertEquals("blocked: POST /api/drive: a body with Content-Encoding: gzip is refused (the robot's API"
                    + " takes only unencoded bodies) (canonical form)",
                    new ObjectMapper().readTree(r.body()).get("error").asText());
        }
        assertEquals(List.of(), robot.requests());
    }

    @Test
    void identityIsNoEncodingAndTheHeaderIsNotForwarded() throws Exception {
        HttpResponse<String> r = post(front.url("i1") + "/api/drive",
                "{\"LinearVelocity\": 5.0, \"AngularVelocity\": 0}".getBytes(StandardCharsets.UTF_8), "identity");
        assertEquals(200, r.statusCode(), r.body());
        List<RecordedRequest> saw = robot.requests();
        assertEquals(1, saw.size());
        assertEquals("{\"LinearVelocity\":5,\"AngularVelocity\":0}", saw.get(0).bodyText().orElseThrow());
        assertFalse(saw.get(0).headers().containsKey("content-encoding"), saw.get(0).headers().toString());
        assertTrue(saw.get(0).headers().containsKey("content-type"));
    }
}
