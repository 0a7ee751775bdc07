package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.proxy.Rig.Api;
import org.mistyproxy.proxy.Rig.Resp;
import org.mistyproxy.proxy.server.ProxyServer;
import org.mistyproxy.sim.Simulator;

/**
 * The HTTP relay as users meet it: instances made through the control API, proxy URLs from the
 * mistyproxy add-on, the shipped misty-safe policy, and simulated robots behind.
 */
class RelayThroughServerTest {
    @TempDir Path dir;
    Simulator robot;
    Simulator robot2;
    Deployment misty;
    Deployment misty2;
    ProxyServer server;
    Api owner;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void start() throws Exception {
        robot = Simulator.start("127.0.0.1", 0);
        robot2 = Simulator.start("127.0.0.1", 0);
        misty = Rig.deployment("fixed_misty2", robot.port());
        misty2 = Rig.deployment("fixed_misty2", robot2.port());
        server = ProxyServer.start(Rig.config(dir, List.of(misty, misty2)), Rig.fast());
        owner = Api.of(server.publicBaseUrl(), Rig.OWNER);
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
        robot.close();
        robot2.close();
    }

    private HttpResponse<String> send(String method, String url, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void mistySafeRelaysReadsRefusesRebootRedactsAndLogsEveryDecision() throws Exception {
        String iid = owner.ready(misty.id().toString());
        robot.clearRequests(); // INIT's own GET /api/device (on_ready)
        String url = owner.activate(iid);

        HttpResponse<String> device = send("GET", url + "/api/device", null);
        assertEquals(200, device.statusCode(), device.body());
        JsonNode result = Rig.JSON.readTree(device.body()).path("result");
        assertEquals("SIM00000000", result.path("serialNumber").asText(), device.body());
        assertFalse(device.body().contains("currentPreSharedKey"), "the hotspot password is redacted: " + device.body());
        assertTrue(robot.requests().get(0).toString().contains("/api/device"));

        HttpResponse<String> reboot = send("POST", url + "/api/reboot", "{}");
        assertEquals(403, reboot.statusCode(), reboot.body());
        JsonNode refusal = Rig.JSON.readTree(reboot.body());
        assertEquals("Failed", refusal.path("status").asText());
        assertTrue(refusal.path("error").asText().contains("misty-safe.yaml"), reboot.body());
        assertTrue(robot.requests().stream().noneMatch(r -> r.path().toLowerCase().contains("reboot")),
                "the robot never saw the refused reboot");

        // The short form (what Misty's web tools take as "robot IP") reaches the same robot.
        String shortUrl = owner.get("/addon/mistyproxy/" + iid).json().get("url").get(0).asText();
        assertEquals(200, send("GET", "http://" + shortUrl + "/api/battery", null).statusCode());

        // The borrower's own requests; mistyproxy's safety actions (on_ready's probe) are entries of channel "safety".
        Rig.await(() -> httpEntries(iid).size() >= 3, Duration.ofSeconds(5), () -> "three audit entries");
        JsonNode entries = httpEntries(iid);
        assertEquals("allowed", entries.get(0).path("decision").asText());
        assertEquals("/api/device", entries.get(0).path("path").asText());
        assertEquals(200, entries.get(0).path("upstream_status").asInt());
        assertEquals("blocked", entries.get(1).path("decision").asText());
        assertEquals("/api/reboot", entries.get(1).path("path").asText());
        assertEquals("default", entries.get(1).path("rule").asText(), entries.toString());
        assertTrue(entries.get(1).path("reason").asText().contains("misty-safe.yaml"), entries.toString());
        String token = url.substring(url.lastIndexOf('/') + 1);
        Rig.await(() -> lines(dir.resolve("audit.jsonl")) >= 3, Duration.ofSeconds(5), () -> "three lines in audit.jsonl");
        String audit = Files.readString(dir.resolve("audit.jsonl"));
        assertTrue(audit.contains("\"path\":\"/api/reboot\""), audit);
        assertFalse(audit.contains(token), "proxy tokens never reach the audit log");
        assertFalse(entries.toString().contains(token));
        assertTrue(server.context().metrics().scrape().contains("mistyproxy_requests_total{channel=\"http\",decision=\"blocked\"}"));
    }

    private static long lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).size() : 0;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void eachInstanceReachesOnlyItsOwnRobot() throws Exception {
        String a = owner.ready(misty.id().toString());
        String b = owner.ready(misty2.id().toString());
        robot.clearRequests();
        robot2.clearRequests();
        String urlA = owner.activate(a);
        String urlB = owner.activate(b);
        assertEquals(200, send("GET", urlA + "/api/battery", null).statusCode());
        assertEquals(200, send("GET", urlB + "/api/device", null).statusCode());
        assertEquals(1, robot.requests().size());
        assertEquals("/api/battery", robot.requests().get(0).path());
        assertEquals(1, robot2.requests().size());
        assertEquals("/api/device", robot2.requests().get(0).path());

        robot2.refuseConnections();
        HttpResponse<String> down = send("GET", urlB + "/api/battery", null);
        assertEquals(502, down.statusCode(), down.body());
        assertEquals("the robot refused the connection",
                Rig.JSON.readTree(down.body()).path("error").asText());
        assertEquals(200, send("GET", urlA + "/api/battery", null).statusCode(), "a down robot affects only its instance");
    }

    @Test
    void preflightFromAnotherOriginIsAnsweredByTheProxy() throws Exception {
        String iid = owner.ready(misty.id().toString());
        robot.clearRequests();
        String url = owner.activate(iid);
        HttpResponse<String> pre = http.send(HttpRequest.newBuilder(URI.create(url + "/api/drive"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://sdk.mistyrobotics.com").header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, pre.statusCode());
        assertEquals("*", pre.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        assertTrue(pre.headers().firstValue("Access-Control-Allow-Methods").orElseThrow().contains("POST"));
        assertEquals(List.of(), robot.requests());
    }

    private JsonNode httpEntries(String iid) {
        com.fasterxml.jackson.databind.node.ArrayNode out = Rig.JSON.createArrayNode();
        owner.get("/addon/mistyproxy/" + iid + "/log?limit=10").json().path("entries").forEach(e -> {
            if (e.path("channel").asText().equals("http")) out.add(e);
        });
        return out;
    }

    @Test
    void revokedUrlAnswers404AndNeverReachesTheRobot() throws Exception {
        String iid = owner.ready(misty.id().toString());
        robot.clearRequests();
        String url = owner.activate(iid);
        assertEquals(200, owner.delete("/addon/mistyproxy/" + iid).status());
        Resp r = Rig.fetch(url + "/api/battery");
        assertEquals(404, r.status());
        // Only mistyproxy's own on_end commands (the loan through this URL ended), never the borrower's request.
        assertEquals(List.of(), robot.requests().stream()
                .filter(q -> !q.headers().getOrDefault("user-agent", List.of()).contains("mistyproxy-safety")).toList());
        assertTrue(robot.requests().stream().noneMatch(q -> q.path().equals("/api/battery")));
    }
}
