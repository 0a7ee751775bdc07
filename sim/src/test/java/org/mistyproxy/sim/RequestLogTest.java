package org.mistyproxy.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The request log is the oracle other tests rely on, so it must show exactly what arrived. */
class RequestLogTest {
    private final ObjectMapper json = new ObjectMapper();
    private Simulator robot;

    @BeforeEach
    void start() {
        robot = Simulator.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        robot.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "/api/images%2Flist",
        "//api/device",
        "/api/./device",
        "/api/x/../device",
        "/API/Device",
        "/api/DEVICE/",
        "/api/%2e%2e/api/device",
        "/api/images?FileName=a%2Fb.jpg&fileName=B&x=%41+%2b",
        "/api/images/list?",
        "/api/led?Red=1&&Green=2&Blue=%33#frag",
    })
    void oddTargetsAreLoggedByteForByte(String target) throws Exception {
        String response = RawHttp.exchange(robot.port(), RawHttp.request("GET", target, null));
        assertTrue(response.startsWith("HTTP/1.1 "), response);
        assertEquals(1, robot.requests().size(), response);
        List<RecordedRequest> log = robot.requests();
        assertEquals(1, log.size(), log.toString());
        RecordedRequest r = log.get(0);
        assertEquals("http", r.kind());
        assertEquals("GET", r.method());
        String wireTarget = target; // sent as is, fragment included
        int q = wireTarget.indexOf('?');
        assertEquals(q < 0 ? wireTarget : wireTarget.substring(0, q), r.path());
        String query = q < 0 || q == wireTarget.length() - 1 ? null : wireTarget.substring(q + 1);
        assertEquals(query, r.query());
    }

    @Test
    void malformedPercentEncodingIsRefusedByTheHttpLayerBeforeTheRobotSeesIt() throws Exception {
        String response = RawHttp.exchange(robot.port(), RawHttp.request("GET", "/api/device?x=%ZZ", null));
        assertEquals(400, RawHttp.status(response));
        assertEquals(0, robot.requests().size());
    }

    @Test
    void dotSegmentsAndCaseStillFindTheCommand() throws Exception {
        assertEquals(200, RawHttp.status(RawHttp.exchange(robot.port(), RawHttp.request("GET", "/API/Device/", null))));
        assertEquals(200, RawHttp.status(RawHttp.exchange(robot.port(), RawHttp.request("GET", "/api/x/../device", null))));
        assertEquals(404, RawHttp.status(RawHttp.exchange(robot.port(), RawHttp.request("GET", "//api/device", null))));
    }

    @Test
    void singleQuotedJsonBodyIsLoggedExactlyAndAccepted() throws Exception {
        String body = "{'Red': 10, 'Green': 20, 'Blue': 30, 'Extra': None, 'Flag': True}";
        String response = RawHttp.exchange(robot.port(), RawHttp.request("POST", "/api/led", body, "Content-Type: application/json"));
        assertEquals(200, RawHttp.status(response), response);
        RecordedRequest r = robot.requests().get(0);
        assertEquals(body, r.bodyText().orElseThrow());
        assertArrayEquals(body.getBytes(StandardCharsets.UTF_8), r.body());
        assertEquals(body.length(), r.bodySize());
        assertFalse(r.bodyTruncated());
        assertTrue(robot.stateJson().contains("\"red\":10"), robot.stateJson());
    }

    @Test
    void jsonBodyOnGetIsLoggedAndRead() throws Exception {
        String body = "{\"Base64\": true, \"Width\": 320, \"Height\": 240}";
        String response = RawHttp.exchange(robot.port(), RawHttp.request("GET", "/api/cameras/rgb", body, "Content-Type: application/json"));
        assertEquals(200, RawHttp.status(response), response);
        JsonNode result = json.readTree(RawHttp.body(response)).path("result");
        assertEquals(320, result.path("width").asInt());
        RecordedRequest r = robot.requests().get(0);
        assertEquals("GET", r.method());
        assertEquals(body, r.bodyText().orElseThrow());
    }

    @Test
    void headersAreKeptWithLowerCaseNamesAndRepeatedValues() throws Exception {
        RawHttp.exchange(robot.port(), RawHttp.request("GET", "/api/device", null, "X-Test: one", "x-test: two", "User-Agent: RawHttp"));
        RecordedRequest r = robot.requests().get(0);
        assertEquals(List.of("one", "two"), r.headers().get("x-test"));
        assertEquals(List.of("RawHttp"), r.headers().get("user-agent"));
    }

    @Test
    void inspectionCallsAreNeverLoggedAndTheHttpFormMatches() throws Exception {
        RawHttp.exchange(robot.port(), RawHttp.request("POST", "/api/Led?red=1", "{'green': 2, 'blue': 3}"));
        String response = RawHttp.exchange(robot.port(), RawHttp.request("GET", "/_sim/requests", null));
        assertEquals(200, RawHttp.status(response));
        JsonNode log = json.readTree(RawHttp.body(response));
        assertEquals(1, log.size(), log.toString());
        JsonNode entry = log.get(0);
        assertEquals("http", entry.path("kind").asText());
        assertEquals("POST", entry.path("method").asText());
        assertEquals("/api/Led", entry.path("path").asText());
        assertEquals("red=1", entry.path("query").asText());
        assertEquals("{'green': 2, 'blue': 3}", entry.path("body").asText());
        assertEquals("127.0.0.1", entry.path("headers").path("host").get(0).asText());

        assertEquals(200, RawHttp.status(RawHttp.exchange(robot.port(), RawHttp.request("DELETE", "/_sim/requests", null))));
        assertEquals(0, robot.requests().size());
        RawHttp.exchange(robot.port(), RawHttp.request("GET", "/_sim/state", null));
        assertEquals(0, robot.requests().size());
    }

    @Test
    void largeBodiesAreRecordedBySizeOnly() throws Exception {
        String big = "{\"FileName\": \"x.jpg\", \"Data\": \"" + "A".repeat(100_000) + "\"}";
        RawHttp.exchange(robot.port(), RawHttp.request("POST", "/api/images", big, "Content-Type: application/json"));
        RecordedRequest r = robot.requests().get(0);
        assertTrue(r.bodyTruncated());
        assertEquals(big.length(), r.bodySize());
        assertEquals(0, r.body().length);
    }

    @Test
    void theLogIsBoundedAndCountsWhatItDropped() throws Exception {
        robot.requestLogLimit(2);
        for (int i = 0; i < 4; i++) {
            RawHttp.exchange(robot.port(), RawHttp.request("GET", "/api/battery?n=" + i, null));
        }
        List<RecordedRequest> log = robot.requests();
        assertEquals(List.of("n=2", "n=3"), log.stream().map(RecordedRequest::query).toList());
        assertEquals(2, json.readTree(robot.stateJson()).path("requestLogDropped").asInt());
    }

    @Test
    void noQueryIsNullAndEmptyBodyIsEmpty() throws Exception {
        RawHttp.exchange(robot.port(), RawHttp.request("GET", "/api/battery", null));
        RecordedRequest r = robot.requests().get(0);
        assertNull(r.query());
        assertEquals(0, r.bodySize());
        assertEquals("", r.bodyText().orElseThrow());
    }
}
