package org.mistyproxy.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mistyproxy.policy.Send.decide;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint of the Misty API catalogue (test resource misty-api/endpoints.json, a copy of
 * the shared one) gets the intended decision under each shipped policy. The intent is written
 * here, independently of the YAML: categories plus a short list of named exceptions.
 */
class ShippedPoliciesTest {
    /** Endpoints in allowed categories that stay blocked, and why (mirrors the YAML comments). */
    static final Set<String> BLOCKED_IN_ALLOWED_CATEGORIES = Set.of(
            "GetSavedWifiNetworks", "GetAvailableWifiNetworks", "GetLogFile", // owner's networks, raw logs
            "DisplayWebView", "SpeakAzure", // outside fetches / cloud calls
            "DriveToLocation", "FollowPath"); // autonomous driving cannot be bounded by a rule

    /** Values inside the safe limits where the catalogue gives no range to pick from. */
    static final Map<String, Object> SAFE_VALUES = Map.of(
            "DriveArc.TimeMs", 1000, "DriveHeading.TimeMs", 1000, "DriveHeading.Distance", 0.5,
            "DriveTime.TimeMs", 1000, "DriveArc.Radius", 0.5);

    record Endpoint(String name, String verb, String path, String category, JsonNode params) {}

    static List<Endpoint> catalogue() throws IOException {
        List<Endpoint> out = new ArrayList<>();
        try (InputStream in = ShippedPoliciesTest.class.getResourceAsStream("/misty-api/endpoints.json")) {
            for (JsonNode e : new ObjectMapper().readTree(in)) {
                List<String> paths = new ArrayList<>();
                paths.add(e.get("path").asText());
                if (e.has("alt_paths")) {
                    e.get("alt_paths").forEach(p -> paths.add(p.asText()));
                }
                for (String p : paths) {
                    out.add(new Endpoint(e.get("name").asText(), e.get("verb").asText(), p, e.get("category").asText(),
                            e.get("params")));
                }
            }
        }
        return out;
    }

    static boolean cameraRead(Endpoint e) {
        return e.verb().equals("GET") && e.path().startsWith("/api/cameras/");
    }

    static boolean intended(String policy, Endpoint e) {
        switch (policy) {
            case "allow-all":
                return true;
            case "misty-safe":
                return !BLOCKED_IN_ALLOWED_CATEGORIES.contains(e.name())
                        && (cameraRead(e) || Set.of("info", "expression", "motion").contains(e.category()));
            default:
                return !BLOCKED_IN_ALLOWED_CATEGORIES.contains(e.name()) && (cameraRead(e) || e.category().equals("info"));
        }
    }

    /** A valid value for a parameter: the middle of its documented range, its first enum value, ... */
    static Object valueFor(Endpoint e, JsonNode p) {
        Object safe = SAFE_VALUES.get(e.name() + "." + p.get("name").asText());
        if (safe != null) {
            return safe;
        }
        JsonNode en = p.get("enum");
        if (en != null && en.size() > 0) {
            JsonNode first = en.get(0);
            return first.isNumber() ? first.numberValue() : first.asText();
        }
        String type = p.get("type").asText();
        JsonNode range = p.get("range");
        boolean exclusive = p.path("range_exclusive").asBoolean(false);
        switch (type) {
            case "int":
            case "float": {
                double v = 1;
                if (range != null) {
                    JsonNode lo = range.get(0);
                    JsonNode hi = range.get(1);
                    if (!lo.isNull() && !hi.isNull()) {
                        v = (lo.asDouble() + hi.asDouble()) / 2;
                    } else if (!lo.isNull()) {
                        v = lo.asDouble() + (exclusive ? 1 : 0);
                    } else if (!hi.isNull()) {
                        v = hi.asDouble() - (exclusive ? 1 : 0);
                    }
                }
                return type.equals("int") ? (Object) (long) Math.floor(v) : (Object) v;
            }
            case "bool":
                return false;
            case "object":
                return Map.of();
            case "array":
                return List.of();
            default:
                return "abc";
        }
    }

    /** The request a careful client sends: required parameters only, in the query for GET. */
    static PolicyDecision send(Policy policy, Endpoint e) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode body = m.createObjectNode();
        StringBuilder query = new StringBuilder();
        for (JsonNode p : e.params()) {
            if (!p.get("required").asBoolean()) {
                continue;
            }
            Object v = valueFor(e, p);
            if (e.verb().equals("GET")) {
                query.append(query.length() == 0 ? "?" : "&").append(p.get("name").asText()).append('=')
                        .append(URLEncoder.encode(String.valueOf(v), StandardCharsets.UTF_8));
            } else {
                body.set(p.get("name").asText(), m.valueToTree(v));
            }
        }
        String json = e.verb().equals("GET") ? null : body.toString();
        return decide(policy, e.verb(), e.path() + query, json);
    }

    @Test
    void everyCatalogueEndpointGetsTheIntendedDecisionUnderEveryShippedPolicy() throws IOException {
        List<Endpoint> all = catalogue();
        assertEquals(226, all.size(), "224 endpoints, two with an alternative path");
        List<String> wrong = new ArrayList<>();
        for (String name : Policy.SHIPPED) {
            Policy p = Policy.shipped(name);
            for (Endpoint e : all) {
                PolicyDecision d = send(p, e);
                if (d.allowed() != intended(name, e)) {
                    wrong.add(name + ": " + e.name() + " " + e.verb() + " " + e.path() + " [" + e.category() + "] -> "
                            + d.reason());
                }
            }
        }
        assertEquals(List.of(), wrong);
    }

    /** Commands that move the robot until told otherwise (generate.py's LEASED table). */
    static final Set<String> OPEN_ENDED_MOTION = Set.of(
            "Drive", "DriveTrack", "DriveArc", "DriveHeading", "DriveToLocation", "FollowPath");

    @Test
    void exactlyTheOpenEndedMotionCommandsAreLeasedWhereverTheyAreAllowed() throws IOException {
        List<String> wrong = new ArrayList<>();
        int leased = 0;
        for (String name : Policy.SHIPPED) {
            Policy p = Policy.shipped(name);
            for (Endpoint e : catalogue()) {
                PolicyDecision d = send(p, e);
                if (!d.allowed()) {
                    continue;
                }
                if (d.leased()) {
                    leased++;
                }
                if (d.leased() != OPEN_ENDED_MOTION.contains(e.name())) {
                    wrong.add(name + ": " + e.name() + " leased=" + d.leased());
                }
            }
        }
        assertEquals(List.of(), wrong);
        // misty-safe allows 4 of them (navigation is blocked), allow-all all 6, misty-readonly none.
        assertEquals(10, leased);
    }

    @Test
    void systemAndSkillsAreBlockedUnderMistySafeAndReadonlyWhateverTheParameters() throws IOException {
        for (String name : List.of("misty-safe", "misty-readonly")) {
            Policy p = Policy.shipped(name);
            for (Endpoint e : catalogue()) {
                if (e.category().equals("system") || e.category().equals("skills")) {
                    assertFalse(send(p, e).allowed(), e.name());
                    assertFalse(decide(p, e.verb(), e.path(), e.verb().equals("GET") ? null : "{}").allowed(), e.name());
                    assertFalse(decide(p, e.verb(), e.path() + "?x=1", null).allowed(), e.name());
                }
            }
        }
    }

    @Test
    void parametersThatFetchOutsideUrlsAreBlocked() {
        Policy safe = Policy.shipped("misty-safe");
        assertTrue(decide(safe, "POST", "/api/images/display", "{\"FileName\": \"e_Joy.jpg\"}").allowed());
        assertTrue(decide(safe, "POST", "/api/images/display", "{\"FileName\": \"e_Joy.jpg\", \"IsUrl\": false}").allowed());
        for (String body : List.of(
                "{\"FileName\": \"http://evil.example/x.jpg\", \"IsUrl\": true}",
                "{\"FileName\": \"e_Joy.jpg\", \"isurl\": true}",
                "{\"FileName\": \"http://evil.example/x.jpg\"}")) {
            assertFalse(decide(safe, "POST", "/api/images/display", body).allowed(), body);
            assertFalse(decide(safe, "POST", "/api/videos/display", body).allowed(), body);
        }
        assertFalse(decide(safe, "POST", "/api/audio/play", "{\"FileName\": \"https://evil.example/a.mp3\"}").allowed());
        assertFalse(decide(safe, "POST", "/api/audio/play", "{\"FileName\": \"rtsp:x\"}").allowed());
        assertFalse(decide(safe, "POST", "/api/audio/play?FileName=https%3A%2F%2Fevil.example%2Fa.mp3", null).allowed());
        assertTrue(decide(safe, "POST", "/api/audio/play", "{\"FileName\": \"s_Joy.wav\", \"Volume\": 50}").allowed());
        assertFalse(decide(safe, "POST", "/api/webviews/display", "{\"URL\": \"https://x\"}").allowed());
        assertFalse(decide(safe, "POST", "/api/request", "{\"Method\": \"GET\", \"Resource\": \"https://x\"}").allowed());
        assertFalse(decide(safe, "POST", "/api/avstreaming/start", "{\"URL\": \"rtmp://x\"}").allowed());
    }

    @Test
    void motionIsBoundedAndReasonsNameTheRuleAndLine() {
        Policy safe = Policy.shipped("misty-safe");
        PolicyDecision d = decide(safe, "POST", "/api/drive/time",
                "{\"LinearVelocity\": 40, \"AngularVelocity\": 0, \"TimeMs\": 1000}");
        assertFalse(d.allowed());
        String text = Policy.shippedText("misty-safe");
        int line = lineOf(text, "    uri: /api/drive/time") - 1;
        int rule = countBefore(text, "  - verb", line) + 1;
        assertEquals("blocked: POST /api/drive/time: LinearVelocity=40 is outside [-30, 30] (rule " + rule
                + ", misty-safe.yaml:" + line + ")", d.reason());
        assertFalse(decide(safe, "POST", "/api/drive/stop", "{\"Hold\": true}").allowed());
        for (int i = 0; i < 50; i++) {
            assertTrue(decide(safe, "POST", "/api/drive/stop", null).allowed(), "stopping is never rate limited");
        }
        assertFalse(decide(safe, "POST", "/api/head", "{\"Pitch\": 0, \"Roll\": 0, \"Yaw\": 0, \"Units\": \"radians\"}")
                .allowed(), "ranges are in degrees");
        int allowed = 0;
        for (int i = 0; i < 30; i++) {
            if (decide(safe, "POST", "/api/drive", "{\"LinearVelocity\": 10, \"AngularVelocity\": 0}").allowed()) {
                allowed++;
            }
        }
        assertTrue(allowed >= 10 && allowed < 30, "rate 10/s lets a burst of 10 through, got " + allowed);
    }

    @Test
    void secretsAreRedactedFromDeviceInformation() {
        for (String name : List.of("misty-safe", "misty-readonly")) {
            PolicyDecision d = decide(Policy.shipped(name), "GET", "/api/device", null);
            assertTrue(d.allowed());
            String response = "{\"result\":{\"currentProfileName\":\"MistyHotspot\",\"currentPreSharedKey\":\"hunter22\","
                    + "\"robotId\":\"x\"},\"status\":\"Success\"}";
            String out = new String(d.redaction().apply(response.getBytes(StandardCharsets.UTF_8)),
                    StandardCharsets.UTF_8);
            assertFalse(out.contains("hunter22"), out);
            assertTrue(out.contains("robotId"), out);
        }
    }

    @Test
    void cameraReadsAreAllowedButSavingOnTheRobotIsNot() {
        Policy safe = Policy.shipped("misty-safe");
        Policy ro = Policy.shipped("misty-readonly");
        assertTrue(decide(safe, "GET", "/api/cameras/rgb?Base64=true&Width=640&Height=480", null).allowed());
        assertTrue(decide(ro, "GET", "/api/cameras/rgb?Base64=true&Width=640&Height=480", null).allowed());
        assertFalse(decide(safe, "GET", "/api/cameras/rgb?FileName=x", null).allowed());
        assertTrue(decide(safe, "GET", "/api/cameras/rgb?DisplayOnScreen=true", null).allowed());
        assertFalse(decide(ro, "GET", "/api/cameras/rgb?DisplayOnScreen=true", null).allowed());
    }

    @Test
    void pubsubRulesOfTheShippedPolicies() {
        WebSocketSession s = Policy.shipped("misty-safe").websocket().open("i");
        WsDecision tof = s.onClientText("{'Operation': 'subscribe', 'Type': 'TimeOfFlight', 'DebounceMs': 0,"
                + " 'EventName': 'tof', 'Message': ''}");
        assertTrue(tof.allowed(), tof.reason());
        assertTrue(tof.canonicalText().contains("\"DebounceMs\":100"), tof.canonicalText());
        assertFalse(s.onClientText("{\"Operation\": \"subscribe\", \"Type\": \"SkillData\", \"EventName\": \"s\"}").allowed());
        assertFalse(s.onClientText("{\"Operation\": \"subscribe\", \"Type\": \"NoSuchType\", \"EventName\": \"n\"}").allowed());
        assertTrue(Policy.shipped("allow-all").websocket().open("i")
                .onClientText("{\"Operation\": \"subscribe\", \"Type\": \"SkillData\", \"EventName\": \"s\"}").allowed());
    }

    private static int lineOf(String text, String line) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].equals(line)) {
                return i + 1;
            }
        }
        throw new AssertionError("no line " + line);
    }

    private static int countBefore(String text, String prefix, int line) {
        String[] lines = text.split("\n", -1);
        int n = 0;
        for (int i = 0; i < line - 1; i++) {
            if (lines[i].startsWith(prefix)) {
                n++;
            }
        }
        return n;
    }
}
