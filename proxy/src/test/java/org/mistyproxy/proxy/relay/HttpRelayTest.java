package org.mistyproxy.proxy.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.policy.Policy;
import org.mistyproxy.proxy.audit.AuditEntry;
import org.mistyproxy.sim.RecordedRequest;
import org.mistyproxy.sim.Simulator;

/**
 * The relay over real sockets, with simulated robots upstream. Every refusal is also checked
 * against the robot's own request log: a 403 the robot saw anyway would be a failure.
 */
class HttpRelayTest {

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
        front.add("i1", RelayFront.deployment("127.0.0.1", robot.port(), List.of("*")), testPolicy());
    }

    @AfterEach
    void stop() {
        front.close();
        robot.close();
    }

    static Policy testPolicy() throws Exception {
        return Policy.load(Path.of(HttpRelayTest.class.getResource("/relay/relay-test.yaml").toURI()));
    }

    private HttpResponse<String> send(String method, String url, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<RecordedRequest> robotSaw(String path) {
        return robot.requests().stream().filter(r -> r.path().equalsIgnoreCase(path)).toList();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }

    private List<AuditEntry> awaitAudit(String instanceId, int count) throws InterruptedException {
        await(count + " audit entries", () -> front.audit.recent(instanceId, 100).size() >= count);
        return front.audit.recent(instanceId, 100);
    }

    @Test
    void allowedRequestIsRelayedAndAudited() throws Exception {
        HttpResponse<String> r = send("GET", front.url("i1") + "/api/battery", null);
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(json.readTree(r.body()).path("result").has("chargePercent"), r.body());
        assertEquals(1, robotSaw("/api/battery").size());
        AuditEntry e = awaitAudit("i1", 1).get(0);
        assertTrue(e.allowed());
        assertEquals("GET", e.method());
        assertEquals("/api/battery", e.path());
        assertEquals(200, e.upstreamStatus());
        assertEquals("127.0.0.1", e.client());
        assertNull(e.error());
        String scrape = front.metrics.scrape();
        assertTrue(scrape.contains("mistyproxy_requests_total{channel=\"http\",decision=\"allowed\"} 1.0"), scrape);
        assertTrue(scrape.contains("mistyproxy_upstream_latency_seconds_count 1"), scrape);
        assertTrue(scrape.contains("mistyproxy_upstream_latency_seconds_bucket{le=\"10.0\"} 1"), scrape);
        assertTrue(scrape.contains("mistyproxy_upstream_connections_opened_total 1.0"), scrape);
    }

    @Test
    void noRequestStaysWatchedForADeadlineAfterItEnded() throws Exception {
        // Many concurrent keep-alive clients, small answers (the benchmark's shape), then refusals
        // and a client that hangs up mid-answer: each ended request leaves its IO thread's
        // deadline list, or the list grows with every request and every tick walks it.
        front.add("all", RelayFront.deployment("127.0.0.1", robot.port(), List.of("*")), Policy.shipped("allow-all"));
        // HTTP/1.1 with keep-alive, as wrk and browsers send it (the default h2c upgrade takes another path)
        HttpClient http11 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> pending = new java.util.ArrayList<>();
        for (int i = 0; i < 400; i++) {
            String path = i % 5 == 0 ? "/api/blocked-by-policy" : "/api/battery";
            pending.add(http11.sendAsync(HttpRequest.newBuilder(URI.create(front.url(i % 2 == 0 ? "all" : "i1") + path)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        int ok = 0;
        for (var f : pending) {
            if (f.get().statusCode() == 200) ok++;
        }
        assertTrue(ok >= 300, ok + " of 400 relayed");
        int before = robotSaw("/api/battery").size();
        robot.latencyMs(300);
        try (Socket s = new Socket("127.0.0.1", front.port())) {
            s.getOutputStream().write(("GET /all/api/battery HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            await("the robot to see the request", () -> robotSaw("/api/battery").size() > before);
        } // hung up while the robot is still answering
        robot.latencyMs(0);
        await("no request watched for a deadline once all ended (now " + front.relay.watchedDeadlines() + ")",
                () -> front.relay.watchedDeadlines() == 0);
        // A request left in the list is only removed when its idle deadline passes, and then it cuts
        // its client connection, which by then carries another request: count that it never happened.
        String scrape = front.metrics.scrape();
        assertTrue(scrape.contains("mistyproxy_relay_failures_total{cause=\"idle_timeout\"} 0.0"), scrape);
        assertEquals(0, front.audit.recent("all", 1000).stream().filter(e -> e.error() != null && e.error().contains("no progress")).count());
    }

    @Test
    void everyVerbIsRelayed() throws Exception {
        front.add("all", RelayFront.deployment("127.0.0.1", robot.port(), List.of("*")), Policy.shipped("allow-all"));
        for (String verb : List.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")) {
            robot.clearRequests();
            boolean body = verb.equals("POST") || verb.equals("PUT") || verb.equals("PATCH");
            HttpResponse<String> r = body
                    ? send(verb, front.url("all") + "/api/led", "{\"red\": 1, \"green\": 2, \"blue\": 3}", "Content-Type", "application/json")
                    : send(verb, front.url("all") + "/api/battery", null);
            assertTrue(r.statusCode() < 500, verb + " " + r.statusCode() + " " + r.body());
            assertEquals(1, robot.requests().size(), verb + " reached the robot once");
            assertEquals(verb, robot.requests().get(0).method());
            if (verb.equals("HEAD")) {
                assertEquals("", r.body());
                assertTrue(r.headers().firstValue("Content-Length").isPresent());
            }
        }
        // The connection stays usable after HEAD's body-less answer.
        assertEquals(200, send("GET", front.url("all") + "/api/battery", null).statusCode());
    }

    @Test
    void refusedRequestNeverReachesTheRobot() throws Exception {
        HttpResponse<String> r = send("POST", front.url("i1") + "/api/reboot", "{}", "Content-Type", "application/json");
        assertEquals(403, r.statusCode());
        JsonNode body = json.readTree(r.body());
        assertEquals("Failed", body.path("status").asText());
        assertTrue(body.path("error").asText().startsWith("blocked: POST /api/reboot"), r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());

        HttpResponse<String> tooFast = send("POST", front.url("i1") + "/api/drive", "{\"LinearVelocity\": 40}",
                "Content-Type", "application/json");
        assertEquals(403, tooFast.statusCode());
        assertTrue(json.readTree(tooFast.body()).path("error").asText().contains("LinearVelocity"), tooFast.body());

        assertEquals(403, send("GET", front.url("i1") + "/api/skills", null).statusCode()); // default: block
        assertEquals(List.of(), robot.requests(), "the robot must not see refused requests");

        List<AuditEntry> entries = awaitAudit("i1", 3);
        AuditEntry reboot = entries.get(0);
        assertFalse(reboot.allowed());
        assertEquals(403, reboot.status());
        assertEquals(0, reboot.upstreamStatus());
        assertTrue(reboot.rule().contains("relay-test.yaml"), reboot.rule());
        assertTrue(reboot.reason().startsWith("blocked:"), reboot.reason());
        String scrape = front.metrics.scrape();
        assertTrue(scrape.contains("mistyproxy_requests_total{channel=\"http\",decision=\"blocked\"} 3.0"), scrape);
    }

    @Test
    void theRobotReceivesTheCanonicalFormNotTheRawOne() throws Exception {
        // camelCase names, single quotes, odd path case and a dot segment: the robot would read
        // them, but it must receive the one strict form the policy checked.
        HttpResponse<String> r = send("POST", front.url("i1") + "/API/./Drive",
                "{'linearVelocity': 5, 'angularVelocity': -3}", "Content-Type", "application/json");
        assertEquals(200, r.statusCode(), r.body());
        RecordedRequest seen = robotSaw("/api/drive").get(0);
        assertEquals("/api/drive", seen.path());
        String body = seen.bodyText().orElseThrow();
        JsonNode strict = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).readTree(body);
        assertEquals(5, strict.path("linearVelocity").asInt(), body);
        assertEquals(-3, strict.path("angularVelocity").asInt(), body);
        assertFalse(body.contains("'"), body);
        assertEquals(String.valueOf(body.getBytes(StandardCharsets.UTF_8).length), seen.headers().get("content-length").get(0));
        assertEquals("application/json", seen.headers().get("content-type").get(0));

        HttpResponse<String> q = send("GET", front.url("i1") + "/api/%62attery", null);
        assertEquals(200, q.statusCode(), q.body());
        assertEquals(1, robotSaw("/api/battery").size());
    }

    @Test
    void hopByHopHeadersStopAndForwardedHeadersAreAdded() throws Exception {
        URI u = URI.create(front.url("i1"));
        try (Socket s = new Socket("127.0.0.1", u.getPort())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("GET /i1/api/battery HTTP/1.1\r\nHost: evil.example\r\nConnection: keep-alive, X-Hop-Secret\r\n"
                    + "X-Hop-Secret: 1\r\nKeep-Alive: timeout=5\r\nX-Forwarded-For: 6.6.6.6\r\nX-End-To-End: kept\r\n"
                    + "Proxy-Authorization: Basic Zm9vOmJhcg==\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            assertEquals("HTTP/1.1 200 OK", in.readLine());
        }
        RecordedRequest seen = robotSaw("/api/battery").get(0);
        var h = seen.headers();
        assertEquals(List.of("127.0.0.1:" + robot.port()), h.get("host"));
        assertEquals(List.of("127.0.0.1"), h.get("x-forwarded-for"), "a client's own X-Forwarded-For is not trusted");
        assertEquals(List.of("http"), h.get("x-forwarded-proto"));
        assertEquals(List.of("evil.example"), h.get("x-forwarded-host"));
        assertEquals(List.of("kept"), h.get("x-end-to-end"));
        assertNull(h.get("x-hop-secret"));
        assertNull(h.get("keep-alive"));
        assertNull(h.get("proxy-authorization"));
    }

    @Test
    void expectContinueIsAnsweredByTheProxyAndNotForwarded() throws Exception {
        URI u = URI.create(front.url("i1"));
        String body = "{\"LinearVelocity\": 2, \"AngularVelocity\": 0}";
        try (Socket s = new Socket("127.0.0.1", u.getPort())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /i1/api/drive HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
                    + "Content-Length: " + body.length() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            assertEquals("HTTP/1.1 100 Continue", in.readLine(), "the proxy asks for the body the policy needs");
            assertEquals("", in.readLine());
            out.write(body.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertEquals("HTTP/1.1 200 OK", in.readLine());
        }
        RecordedRequest seen = robotSaw("/api/drive").get(0);
        assertNull(seen.headers().get("expect"));
    }

    @Test
    void redactedFieldsNeverLeaveTheProxy() throws Exception {
        HttpResponse<String> direct = http.send(HttpRequest.newBuilder(URI.create(robot.baseUrl() + "/api/device")).build(),
                HttpResponse.BodyHandlers.ofString());
        String secret = json.readTree(direct.body()).path("result").path("currentPreSharedKey").asText();
        assertFalse(secret.isEmpty(), "the robot reveals its hotspot password: " + direct.body());

        HttpResponse<String> r = send("GET", front.url("i1") + "/api/device", null);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode result = json.readTree(r.body()).path("result");
        assertEquals("SIM00000000", result.path("serialNumber").asText(), r.body());
        assertFalse(result.has("currentProfileName"), r.body());
        assertFalse(result.has("currentPreSharedKey"), r.body());
        assertFalse(r.body().contains(secret), r.body());
        assertEquals(String.valueOf(r.body().getBytes(StandardCharsets.UTF_8).length),
                r.headers().firstValue("Content-Length").orElseThrow());
    }

    @Test
    void rangeRequestsOnRedactedRoutesGetTheWholeRedactedAnswer() throws Exception {
        // a byte range chosen to land inside the secret would otherwise cut it out of its key
        HttpResponse<String> r = send("GET", front.url("i1") + "/api/device", null,
                "Range", "bytes=100-140", "If-Range", "\"x\"");
        assertEquals(200, r.statusCode(), r.body());
        assertFalse(json.readTree(r.body()).path("result").has("currentPreSharedKey"), r.body());
        RecordedRequest seen = robotSaw("/api/device").get(0);
        assertNull(seen.headers().get("range"), "Range is not forwarded on a redacted route");
        assertNull(seen.headers().get("if-range"));
        // on a route without redaction Range goes through untouched
        send("GET", front.url("i1") + "/api/battery", null, "Range", "bytes=0-10");
        assertEquals(List.of("bytes=0-10"), robotSaw("/api/battery").get(0).headers().get("range"), robotSaw("/api/battery").get(0).headers().toString());
    }

    @Test
    void rateLimitAnswers429AndTheRobotSeesOnlyWhatWasAllowed() throws Exception {
        int ok = 0;
        int limited = 0;
        for (int i = 0; i < 6; i++) {
            HttpResponse<String> r = send("POST", front.url("i1") + "/api/led", "{\"red\": 1, \"green\": 2, \"blue\": 3}",
                    "Content-Type", "application/json");
            if (r.statusCode() == 200) {
                ok++;
            } else {
                assertEquals(429, r.statusCode(), r.body());
                assertEquals("Failed", json.readTree(r.body()).path("status").asText());
                limited++;
            }
        }
        assertTrue(limited > 0, "6 requests at once exceed 2/s");
        assertEquals(ok, robotSaw("/api/led").size());
    }

    @Test
    void bodiesOverThePolicyLimitAre413AndNeverReachTheRobot() throws Exception {
        String big = "{\"LinearVelocity\": 1, \"pad\": \"" + "x".repeat(2 << 20) + "\"}";
        HttpResponse<String> declared = send("POST", front.url("i1") + "/api/drive", big, "Content-Type", "application/json");
        assertEquals(413, declared.statusCode(), declared.body());
        assertEquals("Failed", json.readTree(declared.body()).path("status").asText());

        // Chunked: the length is unknown until the body is read, so the relay reads up to the limit.
        HttpResponse<String> chunked = http.send(HttpRequest.newBuilder(URI.create(front.url("i1") + "/api/drive"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                        big.getBytes(StandardCharsets.UTF_8)))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, chunked.statusCode(), chunked.body());
        assertEquals(List.of(), robot.requests());
        List<AuditEntry> entries = awaitAudit("i1", 2);
        assertEquals(413, entries.get(0).status());
        assertFalse(entries.get(0).allowed());
    }

    @Test
    void preflightIsAnsweredByTheProxyAndResponsesCarryCors() throws Exception {
        HttpResponse<String> pre = send("OPTIONS", front.url("i1") + "/api/drive", null,
                "Origin", "https://app.example", "Access-Control-Request-Method", "POST",
                "Access-Control-Request-Headers", "content-type");
        assertEquals(204, pre.statusCode());
        assertEquals("*", pre.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        assertTrue(pre.headers().firstValue("Access-Control-Allow-Methods").orElseThrow().contains("POST"));
        assertTrue(pre.headers().firstValue("Access-Control-Allow-Headers").orElseThrow().contains("Content-Type"));
        assertTrue(pre.headers().firstValue("Access-Control-Allow-Credentials").isEmpty());
        assertEquals(List.of(), robot.requests(), "preflights are never forwarded");

        HttpResponse<String> actual = send("GET", front.url("i1") + "/api/battery", null, "Origin", "https://app.example");
        assertEquals(200, actual.statusCode());
        assertEquals("*", actual.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        HttpResponse<String> refused = send("POST", front.url("i1") + "/api/reboot", "{}", "Origin", "https://app.example");
        assertEquals("*", refused.headers().firstValue("Access-Control-Allow-Origin").orElseThrow(),
                "a browser app must be able to read the refusal's reason");
    }

    @Test
    void listedOriginsAreEchoedAndOthersRefused() throws Exception {
        front.add("i3", RelayFront.deployment("127.0.0.1", robot.port(), List.of("https://good.example")), testPolicy());
        HttpResponse<String> good = send("OPTIONS", front.url("i3") + "/api/battery", null,
                "Origin", "https://good.example", "Access-Control-Request-Method", "GET");
        assertEquals(204, good.statusCode());
        assertEquals("https://good.example", good.headers().firstValue("Access-Control-Allow-Origin").orElseThrow());
        assertTrue(good.headers().allValues("Vary").contains("Origin"), good.headers().map().toString());

        HttpResponse<String> evil = send("OPTIONS", front.url("i3") + "/api/battery", null,
                "Origin", "https://evil.example", "Access-Control-Request-Method", "GET");
        assertEquals(403, evil.statusCode());
        assertTrue(evil.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
        HttpResponse<String> evilGet = send("GET", front.url("i3") + "/api/battery", null, "Origin", "https://evil.example");
        assertEquals(403, evilGet.statusCode());
        assertTrue(json.readTree(evilGet.body()).path("error").asText().contains("cors_origins"), evilGet.body());
        assertEquals(List.of(), robot.requests());
    }

    @Test
    void twoInstancesOnTwoRobotsCannotReachEachOther() throws Exception {
        try (Simulator other = Simulator.start("127.0.0.1", 0)) {
            front.add("i2", RelayFront.deployment("127.0.0.1", other.port(), List.of("*")), testPolicy());
            assertEquals(200, send("GET", front.url("i1") + "/api/battery", null).statusCode());
            assertEquals(200, send("GET", front.url("i2") + "/api/device", null).statusCode());
            // Neither a Host header naming the other robot nor dot segments reach across.
            assertEquals(200, send("GET", front.url("i1") + "/api/battery", null,
                    "X-Forwarded-Host", "127.0.0.1:" + other.port()).statusCode());
            assertEquals(403, send("GET", front.url("i1") + "/../i2/api/device", null).statusCode());
            assertEquals(2, robot.requests().size());
            assertTrue(robot.requests().stream().allMatch(r -> r.path().equals("/api/battery")));
            assertEquals(1, other.requests().size());
            assertEquals("/api/device", other.requests().get(0).path());

            // A robot that is down is a 502 for its own instance only.
            robot.refuseConnections();
            assertEquals(502, send("GET", front.url("i1") + "/api/battery", null).statusCode());
            assertEquals(200, send("GET", front.url("i2") + "/api/battery", null).statusCode());
        }
    }

    @Test
    void robotRefusingConnectionsIs502WithinTheConnectTimeout() throws Exception {
        robot.refuseConnections();
        long t0 = System.nanoTime();
        HttpResponse<String> r = send("GET", front.url("i1") + "/api/battery", null);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(502, r.statusCode(), r.body());
        assertTrue(ms < 1000, "answered in " + ms + " ms");
        assertEquals("the robot refused the connection",
                json.readTree(r.body()).path("error").asText());
        AuditEntry e = awaitAudit("i1", 1).get(0);
        assertTrue(e.allowed());
        assertEquals(502, e.status());
        assertTrue(e.error().contains("refused"), e.error());
    }

    @Test
    void robotNotAcceptingWithinTheConnectTimeoutIs504() throws Exception {
        // A listener that never accepts, with its accept queue filled: the kernel then drops new
        // SYNs, so a connect neither succeeds nor fails — like a robot that is off the network.
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            List<Socket> fillers = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    Socket f = new Socket();
                    try {
                        f.connect(silent.getLocalSocketAddress(), 200);
                        fillers.add(f);
                    } catch (java.io.IOException full) {
                        f.close();
                        break;
                    }
                }
                front.add("offline", RelayFront.deployment("127.0.0.1", silent.getLocalPort(), List.of("*")), testPolicy());
                long t0 = System.nanoTime();
                HttpResponse<String> r = send("GET", front.url("offline") + "/api/battery", null);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(504, r.statusCode(), r.body());
                assertEquals("the robot did not accept a connection within 1 s",
                        json.readTree(r.body()).path("error").asText());
                assertTrue(ms >= 1000 && ms < 3000, "answered in " + ms + " ms");
            } finally {
                for (Socket f : fillers) {
                    f.close();
                }
            }
        }
    }

    @Test
    void uploadThatStopsIs504AfterTheIdleTimeout() throws Exception {
        URI u = URI.create(front.url("i1"));
        try (Socket s = new Socket("127.0.0.1", u.getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /i1/api/images?FileName=part.jpg&OverwriteExisting=true HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Type: image/jpeg\r\nContent-Length: 100000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[1000]);
            out.flush();
            long t0 = System.nanoTime();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            assertEquals("HTTP/1.1 504 Gateway Time-out", in.readLine());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 1500 && ms < 5000, "answered in " + ms + " ms");
        }
        AuditEntry e = awaitAudit("i1", 1).get(0);
        assertEquals("request body made no progress for 2 s", e.error());
    }

    @Test
    void robotStallingIs504NamingTheTimeout() throws Exception {
        robot.stall(true);
        long t0 = System.nanoTime();
        HttpResponse<String> r = send("GET", front.url("i1") + "/api/battery", null);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(504, r.statusCode(), r.body());
        assertEquals("{\"status\":\"Failed\",\"error\":\"robot did not answer within 1 s\"}", r.body());
        assertTrue(ms >= 1000 && ms < 3000, "answered in " + ms + " ms");
        assertEquals(1, robotSaw("/api/battery").size(), "the robot got it and never answered");

        robot.stall(false);
        assertEquals(200, send("GET", front.url("i1") + "/api/battery", null).statusCode(), "the next request works");
    }

    @Test
    void keptAliveConnectionsAreReused() throws Exception {
        for (int i = 0; i < 30; i++) {
            assertEquals(200, send("GET", front.url("i1") + "/api/battery", null).statusCode());
        }
        // Sequential requests: one connection per IO thread at most, however many requests.
        assertTrue(front.relay.upstreamConnectionsOpened() <= 2, "opened: " + front.relay.upstreamConnectionsOpened());
        assertTrue(front.relay.upstreamConnections() >= 1, "kept alive: " + front.relay.upstreamConnections());
    }

    @Test
    void aKeptAliveConnectionTheRobotClosedIsNotUsedForTheNextRequest() throws Exception {
        assertEquals(200, send("GET", front.url("i1") + "/api/battery", null).statusCode());
        robot.refuseConnections(); // closes every open connection, the kept-alive one included
        robot.acceptConnections();
        HttpResponse<String> r = send("POST", front.url("i1") + "/api/drive", "{\"LinearVelocity\": 1, \"AngularVelocity\": 0}",
                "Content-Type", "application/json");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(1, robotSaw("/api/drive").size());
    }

    @Test
    void robotClosingMidResponseCutsTheClientAndIsAudited() throws Exception {
        robot.resetMidResponse(true);
        try {
            HttpResponse<String> r = send("GET", front.url("i1") + "/api/battery", null);
            // If the robot's half answer ended before headers the client gets 502; after, a cut body.
            assertEquals(502, r.statusCode(), r.body());
            assertFalse(r.body().matches("(?s).*(Exception|java\\.|127\\.0\\.0\\.1).*"), "no class names or addresses: " + r.body());
        } catch (java.io.IOException cut) {
            // the client saw its connection cut mid-body: also correct
        }
        AuditEntry e = awaitAudit("i1", 1).get(0);
        assertTrue(e.error() != null && !e.error().isEmpty(), String.valueOf(e));
        assertFalse(e.error().matches("(?s).*(Exception|java\\.|127\\.0\\.0\\.1).*"), "the borrower reads the audit too: " + e);
        robot.clearFaults();
        assertEquals(200, send("GET", front.url("i1") + "/api/battery", null).statusCode());
    }

    @Test
    void auditFileHoldsOneLinePerDecisionAndNoBodies() throws Exception {
        send("POST", front.url("i1") + "/api/drive", "{\"LinearVelocity\": 3, \"AngularVelocity\": 0}",
                "Content-Type", "application/json");
        send("POST", front.url("i1") + "/api/reboot", "{\"secretish\": \"hunter2\"}", "Content-Type", "application/json");
        awaitAudit("i1", 2);
        front.audit.close(); // flushes
        List<String> lines = Files.readAllLines(dataDir.resolve("audit.jsonl"));
        assertEquals(2, lines.size(), String.join("\n", lines));
        JsonNode allowed = json.readTree(lines.get(0));
        assertEquals("allowed", allowed.path("decision").asText());
        assertEquals("/api/drive", allowed.path("path").asText());
        assertEquals(200, allowed.path("upstream_status").asInt());
        assertTrue(allowed.path("latency_ms").asDouble() > 0);
        assertEquals("blocked", json.readTree(lines.get(1)).path("decision").asText());
        assertFalse(String.join("\n", lines).contains("hunter2"), "bodies never reach the audit log");
    }
}
