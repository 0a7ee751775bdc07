package org.mistyproxy.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PubSubTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private Simulator robot;

    @BeforeEach
    void start() {
        robot = Simulator.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        robot.close();
    }

    private static String subscribe(String type, String name, Integer debounceMs, String conditions, String returnProperty) {
        return "{\"Operation\": \"subscribe\", \"Type\": \"" + type + "\", \"EventName\": \"" + name + "\""
                + (debounceMs == null ? "" : ", \"DebounceMs\": " + debounceMs)
                + ", \"ReturnProperty\": " + (returnProperty == null ? "null" : "\"" + returnProperty + "\"")
                + ", \"EventConditions\": " + (conditions == null ? "[]" : conditions) + ", \"Message\": \"\"}";
    }

    private static void assertRegistered(PubSubClient client, String name) throws Exception {
        assertEquals("{\"eventName\":\"" + name + "\",\"message\":\"Registration Status: API event registered.\"}",
                client.next(5).text());
    }

    /**
     * The median gap between arrivals must be within 20% of the debounce. The median, not the
     * mean, because on a loaded machine one late tick is followed by a catch-up one (fixed-rate
     * scheduling); the mean over the whole run is checked more loosely to catch a wrong rate.
     */
    private static void assertInterval(List<Long> arrivals, double debounceMs) {
        List<Double> gaps = new ArrayList<>();
        for (int i = 1; i < arrivals.size(); i++) {
            gaps.add((arrivals.get(i) - arrivals.get(i - 1)) / 1e6);
        }
        List<Double> sorted = new ArrayList<>(gaps);
        java.util.Collections.sort(sorted);
        double median = sorted.get(sorted.size() / 2);
        double mean = (arrivals.get(arrivals.size() - 1) - arrivals.get(0)) / 1e6 / gaps.size();
        assertTrue(median >= debounceMs * 0.8 && median <= debounceMs * 1.2, "median gap " + median + " ms, gaps " + gaps);
        assertTrue(mean >= debounceMs * 0.6 && mean <= debounceMs * 1.4, "mean gap " + mean + " ms, gaps " + gaps);
    }

    private void post(String target, String body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(robot.baseUrl() + target))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
    }

    @Test
    void conditionsLetOnlyMatchingEventsThroughAtTheDebounceInterval() throws Exception {
        int debounce = 200;
        try (PubSubClient client = new PubSubClient(robot.baseUrl())) {
            client.send(subscribe("TimeOfFlight", "FrontTof", debounce,
                    "[{\"Property\": \"SensorId\", \"Inequality\": \"=\", \"Value\": \"toffc\"}]", null));
            assertRegistered(client, "FrontTof");
            JsonNode pubsub = new com.fasterxml.jackson.databind.ObjectMapper().readTree(robot.stateJson()).path("pubsub");
            assertEquals(1, pubsub.path("openSockets").asInt());
            assertEquals("FrontTof", pubsub.path("subscriptions").get(0).path("eventName").asText());
            List<Long> times = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                PubSubClient.Received r = client.next(5);
                assertEquals("FrontTof", r.json().path("eventName").asText());
                JsonNode m = r.json().path("message");
                assertEquals("toffc", m.path("sensorId").asText(), r.text());
                assertEquals("Center", m.path("sensorPosition").asText());
                assertTrue(m.path("distanceInMeters").isNumber());
                times.add(r.nanos());
            }
            assertInterval(times, debounce);
        }
    }

    @Test
    void defaultDebounceIs250MsAndUnfilteredSubscriptionsRotateThroughSensors() throws Exception {
        try (PubSubClient client = new PubSubClient(robot.baseUrl())) {
            client.send(subscribe("ActuatorPosition", "Actuators", null, null, null));
            assertRegistered(client, "Actuators");
            List<Long> times = new ArrayList<>();
            java.util.Set<String> sensors = new java.util.TreeSet<>();
            for (int i = 0; i < 6; i++) {
                PubSubClient.Received r = client.next(5);
                sensors.add(r.json().path("message").path("sensorId").asText());
                times.add(r.nanos());
            }
            assertInterval(times, 250);
            assertEquals(java.util.Set.of("ahp", "ahr", "ahy", "ala", "ara"), sensors);
        }
    }

    @Test
    void numericConditionsAndReturnPropertyShapeTheMessage() throws Exception {
        post("/api/arms/set", "{\"LeftArmPosition\": -20, \"RightArmPosition\": 80}");
        try (PubSubClient client = new PubSubClient(robot.baseUrl())) {
            client.send(subscribe("ActuatorPosition", "HighArm", 100,
                    "[{\"property\": \"value\", \"inequality\": \">=\", \"value\": \"50\"},"
                            + " {\"Property\": \"sensorId\", \"Inequality\": \"!=\", \"Value\": \"ahp\"}]", "Value"));
            assertRegistered(client, "HighArm");
            for (int i = 0; i < 3; i++) {
                PubSubClient.Received r = client.next(5);
                assertEquals(80.0, r.json().path("message").asDouble(), 1e-9, r.text());
            }
        }
    }

    @Test
    void duplicateNamesAreRefusedWithTheRobotsText() throws Exception {
        try (PubSubClient a = new PubSubClient(robot.baseUrl()); PubSubClient b = new PubSubClient(robot.baseUrl())) {
            a.send(subscribe("IMU", "Tilt", 1000, null, null));
            assertRegistered(a, "Tilt");
            b.send(subscribe("IMU", "Tilt", 1000, null, null));
            assertEquals("{\"eventName\":\"Tilt\",\"message\":\"Registration Status: Cannot register an event with same name (Tilt)"
                    + " as a previously registered event.\"}", b.next(5).text());
            // Unsubscribing from another socket does nothing; from the owner it frees the name.
            b.send("{\"Operation\": \"unsubscribe\", \"EventName\": \"Tilt\", \"Message\": \"\"}");
            b.send(subscribe("IMU", "Tilt", 1000, null, null));
            assertTrue(b.next(5).text().contains("Cannot register an event with same name"));
            a.send("{\"Operation\": \"unsubscribe\", \"EventName\": \"Tilt\", \"Message\": \"\"}");
            // The two sockets are served concurrently and an unsubscribe has no reply: retry until
            // the owner's unsubscribe has taken effect.
            long deadline = System.nanoTime() + 5_000_000_000L;
            String reply;
            do {
                b.send(subscribe("IMU", "Tilt", 1000, null, null));
                reply = b.next(5).text();
            } while (reply.contains("Cannot register") && System.nanoTime() < deadline);
            assertEquals("{\"eventName\":\"Tilt\",\"message\":\"Registration Status: API event registered.\"}", reply);
        }
    }

    @Test
    void pythonStyleSubscribeIsAcceptedAndLoggedVerbatim() throws Exception {
        String message = "{'Operation': 'subscribe', 'Type': 'BatteryCharge', 'DebounceMs': 100, 'EventName': 'Batt',"
                + " 'ReturnProperty': None, 'EventConditions': [], 'Message': ''}";
        try (PubSubClient client = new PubSubClient(robot.baseUrl(), "/PubSub?x=%2F")) {
            client.send(message);
            assertRegistered(client, "Batt");
            JsonNode event = client.next(5).json();
            assertTrue(event.path("message").path("chargePercent").isNumber(), event.toString());
        }
        List<RecordedRequest> log = robot.requests();
        assertEquals("http", log.get(0).kind());
        assertEquals("GET", log.get(0).method());
        assertEquals("/PubSub", log.get(0).path());
        assertEquals("x=%2F", log.get(0).query());
        RecordedRequest ws = log.get(1);
        assertEquals("ws", ws.kind());
        assertEquals("TEXT", ws.method());
        assertEquals("/PubSub", ws.path());
        assertEquals(message, ws.bodyText().orElseThrow());
    }

    @Test
    void smallDebounceStreamsAtTheSensorRate() throws Exception {
        try (PubSubClient client = new PubSubClient(robot.baseUrl())) {
            client.send(subscribe("DriveEncoders", "Fast", 0, null, null));
            assertRegistered(client, "Fast");
            long t0 = System.nanoTime();
            for (int i = 0; i < 30; i++) {
                client.next(5);
            }
            double ms = (System.nanoTime() - t0) / 1e6;
            assertTrue(ms < 30 * EventStream.SENSOR_PERIOD_MS * 3, "30 messages took " + ms + " ms");
        }
    }

    @Test
    void conditionsMayTestSensorNameThoughTheCurrentVersionDoesNotSendIt() throws Exception {
        try (PubSubClient client = new PubSubClient(robot.baseUrl())) {
            client.send(subscribe("ActuatorPosition", "Left", 50,
                    "[{\"Property\": \"SensorName\", \"Inequality\": \"=\", \"Value\": \"Actuator_LeftArm\"}]", null));
            assertRegistered(client, "Left");
            for (int i = 0; i < 3; i++) {
                JsonNode m = client.next(5).json().path("message");
                assertEquals("ala", m.path("sensorId").asText(), m.toString());
                assertTrue(m.path("sensorName").isMissingNode(), m.toString());
            }
        }
        HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(robot.baseUrl() + "/_sim/bump?sensor=nose"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("bfr, bfl, brr, brl"), bad.body());
    }

    @Test
    void theDeprecatedVersionAddsTypeAndSensorName() throws Exception {
        try (PubSubClient client = new PubSubClient(robot.baseUrl())) {
            client.send(subscribe("ActuatorPosition", "Old", 50, null, null));
            assertRegistered(client, "Old");
            JsonNode current = client.next(5).json();
            assertTrue(current.path("type").isMissingNode() && current.path("message").path("sensorName").isMissingNode(), current.toString());
            post("/api/websocket/version", "{\"Version\": \"Deprecated\"}");
            long deadline = System.nanoTime() + 5_000_000_000L;
            JsonNode old;
            do {
                old = client.next(5).json();
            } while (old.path("type").isMissingNode() && System.nanoTime() < deadline);
            assertEquals("ActuatorPosition", old.path("type").asText(), old.toString());
            assertTrue(old.path("message").has("sensorName"), old.toString());
        }
        HttpResponse<String> version = http.send(HttpRequest.newBuilder(URI.create(robot.baseUrl() + "/api/websocket/version")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(version.body().contains("\"result\":\"Deprecated\""), version.body());
        HttpResponse<String> classes = http.send(HttpRequest.newBuilder(URI.create(robot.baseUrl() + "/api/websockets?websocketClass=TimeOfFlight")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(classes.body().contains("\"class\":\"TimeOfFlight\"") && classes.body().contains("DistanceInMeters"), classes.body());
    }

    @Test
    void binaryMessagesAreLoggedAndAnsweredWithAnError() throws Exception {
        try (PubSubClient client = new PubSubClient(robot.baseUrl())) {
            client.sendBinary(new byte[] {0, (byte) 0xff, 42});
            assertTrue(client.next(5).text().contains("binary messages are not understood"));
        }
        RecordedRequest ws = robot.requests().get(1);
        assertEquals("BINARY", ws.method());
        assertEquals(3, ws.bodySize());
        org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[] {0, (byte) 0xff, 42}, ws.body());
    }

    @Test
    void driveCommandsEmitLocomotionEvents() throws Exception {
        try (PubSubClient client = new PubSubClient(robot.baseUrl())) {
            client.send(subscribe("LocomotionCommand", "Loco", null, null, null));
            assertRegistered(client, "Loco");
            post("/api/drive", "{\"LinearVelocity\": 30, \"AngularVelocity\": -10}");
            JsonNode m = client.next(5).json().path("message");
            assertEquals(30, m.path("linearVelocity").asDouble(), 1e-9);
            assertEquals(-10, m.path("angularVelocity").asDouble(), 1e-9);
            post("/api/drive/stop", "{}");
            assertEquals(0, client.next(5).json().path("message").path("linearVelocity").asDouble(), 1e-9);
        }
    }

    @Test
    void aBumpTriggeredThroughTheInspectionApiReachesMatchingSubscribers() throws Exception {
        try (PubSubClient client = new PubSubClient(robot.baseUrl())) {
            client.send(subscribe("BumpSensor", "Bump", null,
                    "[{\"Property\": \"IsContacted\", \"Inequality\": \"==\", \"Value\": \"true\"},"
                            + " {\"Property\": \"sensorId\", \"Inequality\": \"=\", \"Value\": \"bfl\"}]", "Pose.FrameId"));
            assertRegistered(client, "Bump");
            post("/_sim/bump?sensor=bfr", "");
            post("/_sim/bump?sensor=bfl", "");
            PubSubClient.Received r = client.next(5);
            assertEquals("{\"eventName\":\"Bump\",\"message\":\"RobotBaseCenter\"}", r.text());
            // The release (isContacted false, 100 ms later) and the other sensor are filtered out.
            assertNull(client.poll(400));
        }
        assertTrue(robot.requests().stream().noneMatch(r -> r.path().contains("_sim")));
    }

    @Test
    void badSubscriptionsGetAnErrorStatusAndNoEvents() throws Exception {
        try (PubSubClient client = new PubSubClient(robot.baseUrl())) {
            client.send(subscribe("Teleportation", "T", null, null, null));
            assertTrue(client.next(5).text().contains("unknown type (Teleportation)"));
            client.send(subscribe("IMU", "I", null, "[{\"Property\": \"yaw\", \"Inequality\": \"~\", \"Value\": 1}]", null));
            assertTrue(client.next(5).text().contains("EventConditions[0].Inequality"));
            client.send("{\"Operation\": \"subscribe\", \"Type\": \"IMU\", \"DebounceMs\": \"soon\"}");
            assertTrue(client.next(5).text().contains("DebounceMs"));
            client.send("not json at all");
            assertTrue(client.next(5).text().contains("could not parse"));
            assertNull(client.poll(300));
        }
    }
}
