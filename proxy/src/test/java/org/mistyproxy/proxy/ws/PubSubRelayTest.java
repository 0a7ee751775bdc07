package org.mistyproxy.proxy.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mistyproxy.policy.Policy;
import org.mistyproxy.proxy.audit.AuditEntry;

/** The relay end to end: a JDK WebSocket client, the relay on Undertow, the simulator as the robot. */
class PubSubRelayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static HttpClient http;
    private RelayFixture f;

    @BeforeAll
    static void client() {
        http = HttpClient.newHttpClient();
    }

    @BeforeEach
    void start() throws Exception {
        f = new RelayFixture(
                PubSubSettings.defaults().withPingInterval(Duration.ofMillis(300)).withCloseGrace(Duration.ofMillis(500)),
                Policy.load(testPolicy()),
                List.of("http://app.example"));
    }

    static Path testPolicy() throws URISyntaxException {
        return Path.of(PubSubRelayTest.class.getResource("no-selfstate.yaml").toURI());
    }

    @AfterEach
    void stop() {
        f.close();
    }

    @Test
    void subscribeWithConditionsReceivesOnlyMatchingEventsAndRobotGetsCanonicalJson() throws Exception {
        TestSocket s = TestSocket.open(http, f.pubsubUri("i1"));
        // mistyPy style: Python str(dict), single quotes
        s.send("{'Operation': 'subscribe', 'Type': 'TimeOfFlight', 'DebounceMs': 100, 'EventName': 'FrontTof', "
                + "'EventConditions': [{'Property': 'SensorPosition', 'Inequality': '=', 'Value': 'Center'}]}");
        JsonNode status = JSON.readTree(s.next(3000));
        assertEquals("FrontTof", status.get("eventName").asText());
        assertEquals("Registration Status: API event registered.", status.get("message").asText());
        for (int i = 0; i < 3; i++) {
            JsonNode event = JSON.readTree(s.next(3000));
            assertEquals("FrontTof", event.get("eventName").asText());
            assertEquals("Center", event.get("message").get("sensorPosition").asText(), event.toString());
        }
        String forwarded = f.robotSaw().get(0);
        JsonNode canonical = JSON.readTree(forwarded); // strict parser: the robot got real JSON
        assertEquals("TimeOfFlight", canonical.get("Type").asText());
        assertFalse(forwarded.contains("'"), forwarded);
        assertTrue(f.metric("mistyproxy_ws_messages_total{direction=\"client_to_robot\"}") >= 1);
        assertTrue(f.metric("mistyproxy_ws_messages_total{direction=\"robot_to_client\"}") >= 4);
        assertEquals(1, f.metric("mistyproxy_ws_sockets_open"));
    }

    @Test
    void unsubscribeStopsTheStream() throws Exception {
        TestSocket s = TestSocket.open(http, f.pubsubUri("i1"));
        s.send("{\"Operation\": \"subscribe\", \"Type\": \"BatteryCharge\", \"DebounceMs\": 50, \"EventName\": \"Bat\"}");
        s.nextContaining("registered", 3000);
        s.nextContaining("chargePercent", 3000);
        s.send("{\"Operation\": \"unsubscribe\", \"EventName\": \"Bat\", \"Message\": \"\"}");
        RelayFixture.await("unsubscribe at the robot", 3000,
                () -> f.robotSaw().stream().anyMatch(m -> m.contains("unsubscribe")));
        Thread.sleep(200); // events already on the wire before the unsubscribe may still arrive
        s.texts.clear();
        assertEquals(null, s.texts.poll(500, TimeUnit.MILLISECONDS), "events after unsubscribe");
    }

    @Test
    void refusedSubscribeNeverReachesRobotAndTheSocketStaysOpen() throws Exception {
        TestSocket s = TestSocket.open(http, f.pubsubUri("i1"));
        s.send("{'Operation': 'subscribe', 'Type': 'SelfState', 'EventName': 'State'}");
        JsonNode refusal = JSON.readTree(s.next(3000));
        assertEquals("State", refusal.get("eventName").asText());
        assertTrue(refusal.get("message").asText().startsWith("blocked by policy: "), refusal.toString());
        assertFalse(refusal.get("message").asText().startsWith("blocked by policy: blocked"), refusal.toString());
        assertTrue(refusal.get("message").asText().contains("SelfState"), refusal.toString());

        // still open: an allowed subscribe goes through afterwards
        s.send("{'Operation': 'subscribe', 'Type': 'BatteryCharge', 'EventName': 'Bat'}");
        s.nextContaining("registered", 3000);
        assertFalse(s.closed.isDone());
        List<String> robotSaw = f.robotSaw();
        assertEquals(1, robotSaw.size(), robotSaw.toString());
        assertFalse(robotSaw.get(0).contains("SelfState"), robotSaw.toString());
        assertEquals(1, f.metric("mistyproxy_ws_messages_refused_total"));

        RelayFixture.await("audit entries", 2000, () -> f.audit.recent("i1", 50).stream()
                .anyMatch(e -> e.channel().equals("ws") && !e.allowed()));
        AuditEntry blocked = f.audit.recent("i1", 50).stream()
                .filter(e -> e.channel().equals("ws") && !e.allowed()).findFirst().orElseThrow();
        assertEquals("WS-TEXT", blocked.method());
        assertEquals("/pubsub", blocked.path());
        assertNotNull(blocked.rule());
    }

    @Test
    void revocationClosesEverySocketOfThatInstanceWithin1sAndNoOther() throws Exception {
        TestSocket a1 = TestSocket.open(http, f.pubsubUri("gone"));
        TestSocket a2 = TestSocket.open(http, f.pubsubUri("gone"));
        TestSocket other = TestSocket.open(http, f.pubsubUri("stays"));
        a1.send("{'Operation': 'subscribe', 'Type': 'TimeOfFlight', 'DebounceMs': 50, 'EventName': 'A1'}");
        a1.nextContaining("A1", 3000);
        other.send("{'Operation': 'subscribe', 'Type': 'TimeOfFlight', 'DebounceMs': 50, 'EventName': 'O'}");
        other.nextContaining("O", 3000);

        long t0 = System.nanoTime();
        f.relay.revoke("gone", "mistyproxy add-on deactivated");
        for (TestSocket s : List.of(a1, a2)) {
            TestSocket.Closed c = s.awaitClose(1000);
            assertEquals(1008, c.code());
            assertEquals("mistyproxy add-on deactivated", c.reason());
        }
        assertTrue(System.nanoTime() - t0 < 1_000_000_000L);
        // the robot side of both is closed too: only the other instance's socket is left there
        RelayFixture.await("robot sockets of the revoked instance closed", 1000,
                () -> f.metric("mistyproxy_ws_robot_sockets_open") == 1);
        other.texts.clear();
        other.nextContaining("\"O\"", 2000);
        assertFalse(other.closed.isDone());
        RelayFixture.await("the simulator holds only the other instance's socket", 1000, () -> f.robotOpenSockets() == 1);
    }

    @Test
    void the101DoesNotEchoTheCapabilityUrl() throws Exception {
        try (RawUpgrade r = RawUpgrade.connect(f.port(), "/i1/pubsub", "Upgrade", "", 0)) {
            assertEquals(101, r.status(), r.headers);
            assertFalse(r.headers.toLowerCase(java.util.Locale.ROOT).contains("sec-websocket-location"), r.headers);
            assertFalse(r.headers.contains("/i1/"), r.headers);
        }
    }

    @Test
    void robotUnreachableAtUpgradeIs502WithTheEnvelopeAndNoUpgrade() throws Exception {
        f.robot.refuseConnections();
        try (RawUpgrade r = RawUpgrade.connect(f.port(), "/i1/pubsub", "Upgrade", "", 0)) {
            assertEquals(502, r.status(), r.headers);
            JsonNode body = JSON.readTree(r.body());
            assertEquals("Failed", body.get("status").asText());
            String error = body.get("error").asText();
            assertTrue(error.startsWith("robot unreachable"), body.toString());
            // neither the robot's address (the owner's) nor an exception's class name reach the borrower
            assertFalse(error.contains("127.0.0.1") || error.contains(":" + f.robot.port()) || error.contains("ws://"), error);
            assertFalse(error.matches("(?s).*(Exception|Error\\b|java\\.|javax\\.|jakarta\\.|org\\.).*"), error);
        }
        // nor its audit entry, which the borrower reads too
        AuditEntry refused = f.audit.recent("i1", 50).stream().filter(e -> e.status() == 502).findFirst().orElseThrow();
        assertFalse(String.valueOf(refused.error()).contains("127.0.0.1") || String.valueOf(refused.reason()).contains("127.0.0.1"),
                refused.toString());
        assertEquals(1, f.metric("mistyproxy_ws_upgrades_failed_total{reason=\"robot_unreachable\"}"));
        assertEquals(0, f.metric("mistyproxy_ws_sockets_open"));
        assertEquals(0, f.robotOpenSockets());
    }

    @Test
    void robotClosingMidStreamClosesTheClientWithTheRobotsCodeAndReason() throws Exception {
        TestSocket s = TestSocket.open(http, f.pubsubUri("i1"));
        s.send("{'Operation': 'subscribe', 'Type': 'TimeOfFlight', 'DebounceMs': 50, 'EventName': 'T'}");
        s.nextContaining("\"T\"", 3000);
        assertEquals(1, f.robot.closeWebSockets(4000, "robot rebooting"));
        TestSocket.Closed c = s.awaitClose(2000);
        assertEquals(4000, c.code());
        assertEquals("robot rebooting", c.reason());
        RelayFixture.await("socket gauges back to 0", 2000, () -> f.metric("mistyproxy_ws_sockets_open") == 0
                && f.metric("mistyproxy_ws_robot_sockets_open") == 0);
    }

    @Test
    void robotConnectionDroppedMidStreamClosesTheClientWith1011() throws Exception {
        TestSocket s = TestSocket.open(http, f.pubsubUri("i1"));
        s.send("{'Operation': 'subscribe', 'Type': 'TimeOfFlight', 'DebounceMs': 50, 'EventName': 'T'}");
        s.nextContaining("\"T\"", 3000);
        f.robot.refuseConnections(); // closes every open connection without a close frame
        TestSocket.Closed c = s.awaitClose(3000);
        assertEquals(1011, c.code());
        assertTrue(c.reason().startsWith("robot connection lost"), c.reason());
    }

    @Test
    void browserStyleConnectionHeaderIsUpgradedAndAForeignOriginIsRefused() throws Exception {
        try (RawUpgrade r = RawUpgrade.connect(f.port(), "/i1/pubsub", "keep-alive, Upgrade",
                "Origin: http://app.example\r\n", 0)) {
            assertEquals(101, r.status(), r.headers);
            r.sendText("{\"Operation\": \"subscribe\", \"Type\": \"BatteryCharge\", \"EventName\": \"B\"}");
            RawUpgrade.Frame frame = r.readFrame();
            assertEquals(1, frame.opcode());
            assertTrue(frame.text().contains("registered"), frame.text());
        }
        try (RawUpgrade r = RawUpgrade.connect(f.port(), "/i1/pubsub", "keep-alive, Upgrade",
                "Origin: http://evil.example\r\n", 0)) {
            assertEquals(403, r.status(), r.headers);
            JsonNode body = JSON.readTree(r.body());
            assertEquals("Failed", body.get("status").asText());
            assertTrue(body.get("error").asText().contains("http://evil.example"), body.toString());
        }
        try (RawUpgrade r = RawUpgrade.connect(f.port(), "/i1/pubsub", "keep-alive", "", 0)) {
            assertEquals(400, r.status(), r.headers);
            assertTrue(r.body().contains("Connection"));
        }
        RelayFixture.await("robot saw the allowed subscribe", 2000, () -> f.robotSaw().size() == 1);
    }

    @Test
    void fragmentedMessageArrivesWholeAndPingsGoEndToEnd() throws Exception {
        TestSocket s = TestSocket.open(http, f.pubsubUri("i1"));
        s.ws.sendText("{'Operation': 'subscribe', ", false).join();
        s.ws.sendText("'Type': 'BatteryCharge', 'EventName': 'Frag'}", true).join();
        s.nextContaining("registered", 3000);
        assertEquals("BatteryCharge", JSON.readTree(f.robotSaw().get(0)).get("Type").asText());

        s.ws.sendPing(ByteBuffer.wrap("are you there".getBytes(StandardCharsets.UTF_8))).join();
        assertEquals("are you there", s.pongs.poll(3000, TimeUnit.MILLISECONDS));
    }

    @Test
    void idleSocketsGetKeepAlivePings() throws Exception {
        TestSocket s = TestSocket.open(http, f.pubsubUri("i1"));
        String ping = s.pings.poll(3000, TimeUnit.MILLISECONDS);
        assertEquals("mistyproxy-keepalive", ping);
        // the client's pong to our ping is ours, not the robot's business; the socket stays up
        s.send("{'Operation': 'subscribe', 'Type': 'BatteryCharge', 'EventName': 'B'}");
        s.nextContaining("registered", 3000);
    }

    @Test
    void clientCloseCodeEndsTheRobotSide() throws Exception {
        TestSocket s = TestSocket.open(http, f.pubsubUri("i1"));
        s.send("{'Operation': 'subscribe', 'Type': 'TimeOfFlight', 'DebounceMs': 50, 'EventName': 'C'}");
        s.nextContaining("\"C\"", 3000);
        s.ws.sendClose(4321, "done here").join();
        TestSocket.Closed c = s.awaitClose(2000);
        assertEquals(4321, c.code());
        RelayFixture.await("relay forgot the socket", 2000, () -> f.relay.openSockets("i1") == 0);
        RelayFixture.await("robot side closed", 2000, () -> f.metric("mistyproxy_ws_robot_sockets_open") == 0);
        RelayFixture.await("the simulator let go of the socket", 3000, () -> f.robotOpenSockets() == 0);
    }

    @Test
    void binaryFromClientIsJudgedByThePolicy() throws Exception {
        TestSocket s = TestSocket.open(http, f.pubsubUri("i1"));
        s.ws.sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).join();
        // whatever the policy decides, a refused binary frame never reaches the robot
        try {
            TestSocket.Closed c = s.awaitClose(2000);
            assertEquals(1008, c.code());
        } catch (java.util.concurrent.TimeoutException stillOpen) {
            fail("the policy let the socket stay open; expected binary frames to close it");
        }
        assertTrue(f.robotSaw().isEmpty(), f.robotSaw().toString());
    }
}
