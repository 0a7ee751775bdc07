package org.mistyproxy.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultsTest {
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Simulator robot;

    @BeforeEach
    void start() {
        robot = Simulator.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        robot.close();
    }

    private HttpResponse<String> send(String method, String target, String body, Duration timeout) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(robot.baseUrl() + target)).timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String target) throws Exception {
        return send("GET", target, null, Duration.ofSeconds(20));
    }

    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", robot.port()), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void faultsAreSetThroughTheInspectionApiAndValidated() throws Exception {
        HttpResponse<String> set = send("PUT", "/_sim/faults", "{\"latencyMs\": 150, \"failStatus\": 503}", Duration.ofSeconds(5));
        assertEquals(200, set.statusCode(), set.body());
        long t0 = System.nanoTime();
        HttpResponse<String> r = get("/api/device");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms >= 150, "answered after " + ms + " ms");
        assertEquals(503, r.statusCode());
        JsonNode envelope = json.readTree(r.body());
        assertEquals("Failed", envelope.path("status").asText());
        assertEquals(1, robot.requests().size(), "a failing robot still received the request");

        HttpResponse<String> bad = send("PUT", "/_sim/faults", "{\"latencyMS\": 1}", Duration.ofSeconds(5));
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("unknown fault 'latencyMS'"), bad.body());
        assertEquals(400, send("PUT", "/_sim/faults", "{\"failStatus\": 200}", Duration.ofSeconds(5)).statusCode());

        assertEquals(200, send("DELETE", "/_sim/faults", null, Duration.ofSeconds(5)).statusCode());
        assertEquals(200, get("/api/device").statusCode());
    }

    @Test
    void theBatteryLevelIsSetThroughTheStateKnobAndReadByTheRobotsApi() throws Exception {
        HttpResponse<String> r = send("PUT", "/_sim/state", "{\"battery\": {\"chargePercent\": 0.12, \"isCharging\": true}}",
                Duration.ofSeconds(5));
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(0.12, json.readTree(r.body()).at("/battery/chargePercent").asDouble(), 1e-9);
        JsonNode battery = json.readTree(get("/api/battery").body()).get("result");
        assertEquals(0.12, battery.get("chargePercent").asDouble(), 1e-9, "charging: no drain");
        assertTrue(battery.get("isCharging").asBoolean());
        assertEquals("Charging", battery.get("state").asText());
        assertEquals(0.12, json.readTree(get("/api/device").body()).at("/result/batteryLevel/chargePercent").asDouble(), 1e-9);

        for (String bad : new String[] {"{\"battery\": {\"chargePercent\": 12}}", "{\"battery\": {\"level\": 0.5}}",
                "{\"led\": {}}", "{\"battery\": 0.5}"}) {
            HttpResponse<String> refused = send("PUT", "/_sim/state", bad, Duration.ofSeconds(5));
            assertEquals(400, refused.statusCode(), bad);
            assertTrue(json.readTree(refused.body()).get("error").asText().length() > 10, refused.body());
        }
        robot.battery(0.5, false);
        assertEquals(0.5, json.readTree(get("/api/battery").body()).at("/result/chargePercent").asDouble(), 0.001);
        assertTrue(robot.requests().stream().noneMatch(q -> q.path().startsWith("/_sim")), "inspection is never logged");
    }

    @Test
    void resetMidResponseCutsTheAnswerShort() throws Exception {
        robot.resetMidResponse(true);
        HttpRequest request = HttpRequest.newBuilder(URI.create(robot.baseUrl() + "/api/cameras/rgb")).build();
        assertThrows(IOException.class, () -> http.send(request, HttpResponse.BodyHandlers.ofByteArray()));
        robot.resetMidResponse(false);
        assertEquals(200, http.send(request, HttpResponse.BodyHandlers.ofByteArray()).statusCode());
        assertEquals(2, robot.requests().size());
    }

    @Test
    void stalledRequestsAreLoggedButNeverAnswered() throws Exception {
        robot.stall(true);
        assertThrows(HttpTimeoutException.class, () -> send("POST", "/api/led", "{\"Red\":1,\"Green\":1,\"Blue\":1}", Duration.ofMillis(500)));
        // On a loaded machine the client may give up before the robot has read the request.
        assertTrue(Await.until(() -> robot.requests().size() == 1, Duration.ofSeconds(10)), "the stalled request was logged");
        assertEquals(0, json.readTree(robot.stateJson()).path("led").path("red").asInt(), "a stalled command does nothing");
        robot.stall(false);
        assertEquals(200, get("/api/device").statusCode());
    }

    @Test
    void refusingReallyClosesTheListenerUntilAcceptedAgain() throws Exception {
        int port = robot.port();
        robot.refuseConnections();
        assertThrows(ConnectException.class, () -> new Socket("127.0.0.1", port).close());
        assertThrows(ConnectException.class, () -> get("/api/device"));
        robot.acceptConnections();
        assertEquals(port, robot.port());
        assertEquals(200, get("/api/device").statusCode());
        assertEquals(1, robot.requests().size(), "refused requests never reached the robot");
    }

    @Test
    void refusingForAWhileThroughHttpReopensByItself() throws Exception {
        assertEquals(200, send("POST", "/_sim/faults/refuse?ms=300", "", Duration.ofSeconds(5)).statusCode());
        // The refusal starts right after the answer and ends 300 ms later; a loaded machine may
        // see either edge late, so wait for each rather than for a fixed time.
        assertTrue(Await.until(() -> !accepts(), Duration.ofSeconds(2)), "stops accepting");
        assertTrue(Await.until(this::accepts, Duration.ofSeconds(10)), "accepts again");
        assertEquals(200, get("/api/battery").statusCode());
    }

    @Test
    void closingWebSocketsSendsTheGivenCodeAndFreesTheirNames() throws Exception {
        try (PubSubClient client = new PubSubClient(robot.baseUrl())) {
            client.send("{\"Operation\": \"subscribe\", \"Type\": \"IMU\", \"EventName\": \"Tilt\"}");
            assertTrue(client.next(5).text().contains("API event registered"));
            HttpResponse<String> r = send("POST", "/_sim/faults/close-websockets?code=1012&reason=restart", "", Duration.ofSeconds(5));
            assertEquals(200, r.statusCode());
            assertEquals(1, json.readTree(r.body()).path("closed").asInt());
            assertEquals(1012, client.closeCode.get(5, TimeUnit.SECONDS));
            HttpResponse<String> reserved = send("POST", "/_sim/faults/close-websockets?code=1006", "", Duration.ofSeconds(5));
            assertEquals(400, reserved.statusCode());
            assertTrue(reserved.body().contains("reserved"), reserved.body());
        }
        try (PubSubClient again = new PubSubClient(robot.baseUrl())) {
            again.send("{\"Operation\": \"subscribe\", \"Type\": \"IMU\", \"EventName\": \"Tilt\"}");
            assertTrue(again.next(5).text().contains("API event registered"));
        }
    }

    @Test
    void latencyAlsoDelaysTheWebSocketHandshake() throws Exception {
        robot.latencyMs(200);
        long t0 = System.nanoTime();
        try (PubSubClient client = new PubSubClient(robot.baseUrl())) {
            assertTrue((System.nanoTime() - t0) / 1_000_000 >= 200);
        }
    }
}
