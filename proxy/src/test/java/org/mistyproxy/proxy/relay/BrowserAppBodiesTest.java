package org.mistyproxy.proxy.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.proxy.Chromium;
import org.mistyproxy.sim.RecordedRequest;
import org.mistyproxy.sim.Simulator;

/**
 * Misty's own browser apps (issue 10, item 5), in headless Chromium: a page on another origin
 * posts commands as lightClient.js does (jQuery's form Content-Type around JSON text) and as a
 * plain {@code fetch} with {@code text/plain} does. Both reach the simulator as canonical JSON
 * with {@code application/json}; a real form body is refused with its reason and never reaches it.
 * Driven by {@code src/test/browser/bodies-page.mjs}; see {@link Chromium} for what it needs.
 */
class BrowserAppBodiesTest {

    @TempDir
    Path dataDir;

    @Test
    void jqueryAndFetchJsonAreForwardedCanonicalAndAFormBodyIsRefused() throws Exception {
        Chromium.require();
        int pagePort;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            pagePort = free.getLocalPort();
        }
        String origin = "http://127.0.0.1:" + pagePort;
        try (Simulator robot = Simulator.start("127.0.0.1", 0); RelayFront front = new RelayFront(dataDir, RelayFront.FAST)) {
            front.add("i1", RelayFront.deployment("127.0.0.1", robot.port(), List.of(origin)),
                    HttpRelayTest.testPolicy());
            JsonNode r = Chromium.run("bodies-page.mjs", front.url("i1"), String.valueOf(pagePort));
            assertEquals(origin, r.get("origin").asText());

            assertEquals(200, r.get("jquery").get("status").asInt(), r.toString());
            assertEquals(200, r.get("fetch").get("status").asInt(), r.toString());
            // the refusal is readable by the page (CORS headers on the 403) and says why
            assertEquals(403, r.get("form").get("status").asInt(), r.toString());
            JsonNode refusal = new ObjectMapper().readTree(r.get("form").get("body").asText());
            assertEquals("Failed", refusal.get("status").asText());
            assertEquals("blocked: POST /api/drive: a body of type application/x-www-form-urlencoded that is not JSON"
                    + " is allowed only by a rule with raw_body: true (rule 3, relay-test.yaml:10)",
                    refusal.get("error").asText());

            List<RecordedRequest> drives = robot.requests().stream()
                    .filter(q -> q.path().equalsIgnoreCase("/api/drive")).toList();
            assertEquals(2, drives.size(), drives.toString());
            assertEquals("{\"LinearVelocity\":5,\"AngularVelocity\":-3}", drives.get(0).bodyText().orElseThrow());
            assertEquals("{\"LinearVelocity\":7,\"AngularVelocity\":0}", drives.get(1).bodyText().orElseThrow());
            for (RecordedRequest d : drives) {
                assertEquals(List.of("application/json"), d.headers().get("content-type"), d.toString());
                assertTrue(d.bodyText().orElseThrow().startsWith("{"), d.toString());
            }
            // the form body never reached the robot
            assertTrue(robot.requests().stream().noneMatch(q -> q.bodyText().orElse("").contains("=")),
                    robot.requests().toString());
        }
    }
}
