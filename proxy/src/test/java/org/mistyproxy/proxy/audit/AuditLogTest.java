package org.mistyproxy.proxy.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
    private final ObjectMapper json = new ObjectMapper();

    private static AuditEntry entry(String iid, String path, boolean allowed, int upstream) {
        return new AuditEntry(Instant.parse("2026-11-22T01:00:00Z"), iid, "127.0.0.1", "http", "GET", path, allowed,
                allowed ? "rule 1, misty-safe.yaml:10" : "default", allowed ? "allowed" : "blocked: \"quoted\" reason",
                allowed ? 200 : 403, upstream, 1500, null);
    }

    @Test
    void recentKeepsTheLastEntriesPerInstanceOldestFirst() {
        try (AuditLog log = new AuditLog(tmp, 3)) {
            for (int i = 0; i < 5; i++) {
                log.record(entry("a", "/api/a" + i, true, 200));
            }
            log.record(entry("b", "/api/b", false, 0));
            List<AuditEntry> a = log.recent("a", 10);
            assertEquals(List.of("/api/a2", "/api/a3", "/api/a4"), a.stream().map(AuditEntry::path).toList());
            assertEquals(List.of("/api/a4"), log.recent("a", 1).stream().map(AuditEntry::path).toList());
            assertEquals(1, log.recent("b", 10).size());
            assertEquals(List.of(), log.recent("nobody", 10));
            log.forget("a");
            assertEquals(List.of(), log.recent("a", 10));
        }
    }

    @Test
    void aHugePathIsStoredBoundedWithItsRealLengthInTheRingAndTheFile() throws Exception {
        String huge = "/api/" + "a".repeat(1_000_000);
        try (AuditLog log = new AuditLog(tmp, 10)) {
            for (int i = 0; i < 20; i++) {
                log.record(new AuditEntry(Instant.parse("2026-11-22T01:00:00Z"), "a", "127.0.0.1", "http", "GET", huge, false,
                        "default", "blocked: GET " + huge + ": no rule matches", 403, 0, 10, null));
            }
            AuditEntry kept = log.recent("a", 1).get(0);
            assertTrue(kept.path().length() < 600 && kept.path().endsWith("…[1000005 chars]"), kept.path().substring(500));
            assertTrue(kept.reason().length() < 1100 && kept.reason().contains("chars]"));
        }
        List<String> lines = Files.readAllLines(tmp.resolve("audit.jsonl"));
        assertEquals(20, lines.size());
        assertTrue(lines.get(0).length() < 2500, "one line stays small: " + lines.get(0).length());
    }

    @Test
    void aBoundedEntryKeepsItsTriggerAndEveryOtherFixedField() throws Exception {
        String huge = "/api/" + "s".repeat(100_000);
        AuditEntry sent = new AuditEntry(Instant.parse("2026-11-22T01:00:00Z"), "a", "127.0.0.1", "safety", "POST", huge, true,
                "on_end 1 of 2", "loan ended: POST " + huge, 200, 201, 2500, "robot said: " + huge, "on_end");
        try (AuditLog log = new AuditLog(tmp, 10)) {
            log.record(sent);
            AuditEntry kept = log.recent("a", 1).get(0);
            assertTrue(kept.path().length() < 600 && kept.reason().length() < 1100 && kept.error().length() < 1100, "bounded");
            assertEquals(sent.withText(kept.method(), kept.path(), kept.reason(), kept.error()), kept,
                    "only the free text changed: trigger, rule, statuses, latency, channel, client, verdict, time kept");
            assertEquals("on_end", kept.trigger());
            assertEquals("on_end", json.readTree(log.recentJson("a", 1)).get("entries").get(0).get("trigger").asText());
        }
        JsonNode line = json.readTree(Files.readAllLines(tmp.resolve("audit.jsonl")).get(0));
        assertEquals("on_end", line.get("trigger").asText(), line.toString());
        assertEquals("on_end 1 of 2", line.get("rule").asText());
        assertEquals(201, line.get("upstream_status").asInt());
    }

    @Test
    void everyEntryIsOneJsonLineAppendedAcrossRestarts() throws Exception {
        try (AuditLog log = new AuditLog(tmp, 10)) {
            log.record(entry("a", "/api/device", true, 200));
            log.record(entry("a", "/api/reboot", false, 0));
        }
        try (AuditLog log = new AuditLog(tmp, 10)) {
            log.record(entry("b", "/api/battery", true, 200));
        }
        List<String> lines = Files.readAllLines(tmp.resolve("audit.jsonl"));
        assertEquals(3, lines.size(), String.join("\n", lines));
        JsonNode blocked = json.readTree(lines.get(1));
        assertEquals("2026-11-22T01:00:00.000000Z", blocked.get("time").asText());
        assertEquals("a", blocked.get("instance").asText());
        assertEquals("127.0.0.1", blocked.get("client").asText());
        assertEquals("GET", blocked.get("method").asText());
        assertEquals("/api/reboot", blocked.get("path").asText());
        assertEquals("blocked", blocked.get("decision").asText());
        assertEquals("default", blocked.get("rule").asText());
        assertEquals("blocked: \"quoted\" reason", blocked.get("reason").asText());
        assertEquals(403, blocked.get("status").asInt());
        assertTrue(blocked.get("upstream_status").isNull());
        assertEquals(1.5, blocked.get("latency_ms").asDouble());
        assertTrue(blocked.get("error").isNull());
        assertEquals("allowed", json.readTree(lines.get(0)).get("decision").asText());
        assertEquals(200, json.readTree(lines.get(0)).get("upstream_status").asInt());
        assertEquals("b", json.readTree(lines.get(2)).get("instance").asText());
    }

    @Test
    void fileTimesHaveMicrosecondsAndFollowTheClock() throws Exception {
        try (AuditLog log = new AuditLog(tmp, 10)) {
            for (String t : List.of("2026-11-22T01:00:00.000001Z", "2026-11-22T01:00:00.999999Z", "2026-11-22T01:00:01.123456789Z",
                    "2026-12-31T23:59:59.5Z")) {
                log.record(new AuditEntry(Instant.parse(t), "a", "::1", "http", "GET", "/api/x", true, "r", "ok", 200, 200, 1, null));
            }
        }
        List<String> times = Files.readAllLines(tmp.resolve("audit.jsonl")).stream()
                .map(l -> { try { return json.readTree(l).get("time").asText(); } catch (Exception e) { throw new AssertionError(e); } })
                .toList();
        assertEquals(List.of("2026-11-22T01:00:00.000001Z", "2026-11-22T01:00:00.999999Z", "2026-11-22T01:00:01.123456Z",
                "2026-12-31T23:59:59.500000Z"), times);
        for (String t : times) {
            Instant.parse(t); // ISO-8601 that any reader takes
        }
    }

    @Test
    void recentJsonIsTheLogEndpointBody() throws Exception {
        try (AuditLog log = new AuditLog(tmp, 10)) {
            log.record(entry("a", "/api/device", true, 200));
            JsonNode body = json.readTree(log.recentJson("a", 100));
            assertEquals("a", body.get("instance").asText());
            assertEquals(1, body.get("entries").size());
            assertEquals("/api/device", body.get("entries").get(0).get("path").asText());
            assertEquals(0, json.readTree(log.recentJson("other", 100)).get("entries").size());
        }
    }

    @Test
    void aLiveViewPollsWithAfterAndSeesTotalsAndWhatItMissed() throws Exception {
        try (AuditLog log = new AuditLog(tmp, 3)) {
            log.record(entry("a", "/api/a1", true, 200));
            log.record(entry("a", "/api/a2", false, 0));
            JsonNode first = json.readTree(log.recentJson("a", 100, 0));
            assertEquals(List.of(1, 2), seqs(first));
            assertEquals(2, first.get("next").asInt());
            assertEquals(2, first.get("requests").asInt());
            assertEquals(1, first.get("blocked").asInt());

            JsonNode nothingNew = json.readTree(log.recentJson("a", 100, 2));
            assertEquals(List.of(), seqs(nothingNew));
            assertEquals(2, nothingNew.get("next").asInt());

            for (int i = 3; i <= 7; i++) {
                log.record(entry("a", "/api/a" + i, i % 2 == 0, 200));
            }
            // the ring holds 3: entries 3 and 4 are gone, and the seq gap says so
            JsonNode later = json.readTree(log.recentJson("a", 100, 2));
            assertEquals(List.of(5, 6, 7), seqs(later));
            assertEquals("/api/a5", later.get("entries").get(0).get("path").asText());
            assertEquals(7, later.get("requests").asInt());
            assertEquals(4, later.get("blocked").asInt());
            // limit keeps the newest
            assertEquals(List.of(7), seqs(json.readTree(log.recentJson("a", 1, 2))));
            JsonNode unknown = json.readTree(log.recentJson("nobody", 10, 0));
            assertEquals(0, unknown.get("requests").asInt());
            assertEquals(0, unknown.get("next").asInt());
        }
        // the file's lines carry no seq (their order is the sequence)
        assertTrue(Files.readAllLines(tmp.resolve("audit.jsonl")).stream().noneMatch(l -> l.contains("\"seq\"")));
    }

    private static List<Integer> seqs(JsonNode body) {
        List<Integer> out = new java.util.ArrayList<>();
        body.get("entries").forEach(e -> out.add(e.get("seq").asInt()));
        return out;
    }

    @TempDir
    Path tmp;
}
