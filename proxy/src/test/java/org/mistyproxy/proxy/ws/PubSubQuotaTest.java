package org.mistyproxy.proxy.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.Listen;
import org.mistyproxy.config.MistyProxyConfig;
import org.mistyproxy.config.Quotas;
import org.mistyproxy.config.RobotAddress;
import org.mistyproxy.config.Role;
import org.mistyproxy.config.User;
import org.mistyproxy.proxy.server.ProxyServer;
import org.mistyproxy.proxy.server.ServerOptions;
import org.mistyproxy.sim.RecordedRequest;
import org.mistyproxy.sim.Simulator;

/**
 * Issue 13, "per-connection limits multiply": sockets per instance are bounded, and subscriptions
 * and client messages per second are summed over an instance's sockets. Refusals name the quota;
 * another instance (its own robot) keeps subscribing meanwhile.
 */
class PubSubQuotaTest {
    private static final String OWNER = "quota-owner-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Simulator robotA;
    private Simulator robotB;
    private ProxyServer server;
    private Deployment a;
    private Deployment b;
    private Path dataDir;
    private final List<TestSocket> sockets = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        robotA = Simulator.start("127.0.0.1", 0);
        robotB = Simulator.start("127.0.0.1", 0);
        dataDir = Files.createTempDirectory("pubsub-quota-");
        a = new Deployment(UUID.randomUUID(), "misty_a", "lab", "a", new RobotAddress("127.0.0.1", robotA.port()),
                Optional.empty(), List.of("*"), List.of(), new Quotas(32, 16, 50, 100, 2, 3, 5));
        b = new Deployment(UUID.randomUUID(), "misty_b", "lab", "b", new RobotAddress("127.0.0.1", robotB.port()),
                Optional.empty(), List.of("*"), List.of());
        MistyProxyConfig config = new MistyProxyConfig(dataDir.resolve("mistyproxy.yaml"), new Listen("127.0.0.1", 0),
                Optional.empty(), Optional.empty(), dataDir,
                List.of(new User("olive", Role.OWNER, User.sha256Hex(OWNER))), List.of(a, b));
        server = ProxyServer.start(config, ServerOptions.defaults().withInitTimeout(Duration.ofSeconds(2)));
    }

    @AfterEach
    void stop() throws Exception {
        for (TestSocket s : sockets) s.ws.abort();
        server.close();
        robotA.close();
        robotB.close();
    }

    private HttpResponse<String> call(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.publicBaseUrl() + path))
                .header("Authorization", "Bearer " + OWNER).method(method, HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String pubsubUrl(Deployment d) throws Exception {
        String iid = JSON.readTree(call("POST", "/new/" + d.id()).body()).get("id").asText();
        RelayFixture.await("READY", 10_000, () -> {
            try {
                return JSON.readTree(call("GET", "/instance/" + iid).body()).get("status").asText().equals("READY");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        JsonNode urls = JSON.readTree(call("POST", "/addon/mistyproxy/" + iid).body()).get("url");
        return urls.get(1).asText().replaceFirst("^http", "ws") + "/pubsub";
    }

    /** The first audit line (written by the asynchronous log writer) whose rule is {@code rule}. */
    private JsonNode auditEntry(String rule) {
        JsonNode[] found = new JsonNode[1];
        RelayFixture.await("audit entry " + rule, 5000, () -> {
            try {
                for (String line : Files.readAllLines(dataDir.resolve("audit.jsonl"))) {
                    JsonNode e = JSON.readTree(line);
                    if (e.path("rule").asText().equals(rule)) {
                        found[0] = e;
                        return true;
                    }
                }
                return false;
            } catch (Exception e) {
                return false;
            }
        });
        return found[0];
    }

    private TestSocket open(String url) throws Exception {
        TestSocket s = TestSocket.open(http, url);
        sockets.add(s);
        return s;
    }

    private static String subscribe(String name) {
        return "{\"Operation\": \"subscribe\", \"Type\": \"BatteryCharge\", \"DebounceMs\": 1000, \"EventName\": \"" + name + "\"}";
    }

    private long subscribesReaching(Simulator robot) {
        return robot.requests().stream().filter(r -> r.kind().equals("ws"))
                .map(RecordedRequest::bodyText).filter(t -> t.isPresent() && t.get().contains("subscribe")
                        && !t.get().contains("unsubscribe")).count();
    }

    private static long wsMessagesAt(Simulator robot) {
        return robot.requests().stream().filter(r -> r.kind().equals("ws")).count();
    }

    /** Client messages the server refused so far ({@code mistyproxy_ws_messages_refused_total}). */
    private double refusedMessages() {
        try {
            for (String line : call("GET", "/metrics").body().split("\n")) {
                if (line.startsWith("mistyproxy_ws_messages_refused_total ")) return Double.parseDouble(line.substring(37).trim());
            }
            return 0;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void anEndlessClientMessageIsCutOffAtThePolicyBoundWhileAnotherInstanceGoesOn() throws Exception {
        String urlA = pubsubUrl(a);
        String urlB = pubsubUrl(b);
        TestSocket other = open(urlB);
        TestSocket hog = open(urlA);
        String fragment = "x".repeat(64 * 1024);
        int sent = 0;
        try {
            // an unfinished message of up to 64 MiB, in fragments that never say "last"
            for (; sent < 1024 && !hog.closed.isDone(); sent++) {
                hog.ws.sendText(fragment, false).get(5, java.util.concurrent.TimeUnit.SECONDS);
                if (sent % 16 == 0) {
                    other.send(subscribe("b" + sent)); // the other instance keeps being served meanwhile
                    other.nextContaining("\"b" + sent + "\"", 5000);
                }
            }
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            // the server closed the socket while we were still sending: that is the point
        }
        TestSocket.Closed c = hog.awaitClose(5000);
        // Undertow sends close 1009 and closes the connection; a client still writing fragments can
        // meet the reset (broken pipe) before it reads that frame. Either way the server cut it.
        boolean cutByServer = c.code() == 1009 || c.code() == -1 && String.valueOf(c.reason()).matches(
                "(?s).*(Broken pipe|Connection reset).*");
        assertTrue(cutByServer, "closed as too big: " + c);
        assertTrue(sent < 1024, "cut off long before 64 MiB, after " + sent + " fragments");
        assertEquals(0, robotA.requests().stream().filter(r -> r.kind().equals("ws")).count(), "nothing of it reached robot a");
        other.send(subscribe("after"));
        other.nextContaining("\"after\"", 5000);
    }

    @Test
    void socketsSubscriptionsAndMessageRateAreBoundedPerInstanceNotPerSocket() throws Exception {
        String urlA = pubsubUrl(a);
        String urlB = pubsubUrl(b);
        TestSocket s1 = open(urlA);
        TestSocket s2 = open(urlA);
        ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> TestSocket.open(http, urlA));
        assertTrue(refused.getCause() instanceof WebSocketHandshakeException, refused.toString());
        assertEquals(503, ((WebSocketHandshakeException) refused.getCause()).getResponse().statusCode());
        JsonNode refusal = auditEntry("quota pubsub_sockets");
        assertTrue(refusal.get("reason").asText().contains("2 /pubsub sockets open already"), refusal.toString());
        assertEquals(503, refusal.get("status").asInt(), "audited with the status the client got");

        // 3 subscriptions over the instance's two sockets; the fourth is refused on either socket
        s1.send(subscribe("one"));
        s1.send(subscribe("two"));
        s2.send(subscribe("three"));
        s2.nextContaining("\"three\"", 5000);
        Thread.sleep(1100); // the message-rate bucket (5/s) refills; nothing else to await
        s2.send(subscribe("four"));
        String no = s2.nextContaining("quota subscriptions", 5000);
        assertTrue(no.contains("refused: quota subscriptions"), no);
        assertEquals(3, subscribesReaching(robotA), "the robot saw three subscriptions, not four");

        // an unsubscribe gives one back
        s1.send("{\"Operation\": \"unsubscribe\", \"EventName\": \"one\", \"Message\": \"\"}");
        Thread.sleep(1100);
        s2.send(subscribe("five"));
        s2.nextContaining("\"five\"", 5000);

        // messages per second summed over both sockets: 20 quick ones (each socket dropping and
        // taking back one of its subscriptions), at most 5 (+1 refill) go through
        Thread.sleep(1100);
        robotA.clearRequests();
        double refusedBefore = refusedMessages();
        for (int i = 0; i < 5; i++) {
            s1.send("{\"Operation\": \"unsubscribe\", \"EventName\": \"two\", \"Message\": \"\"}");
            s1.send(subscribe("two"));
            s2.send("{\"Operation\": \"unsubscribe\", \"EventName\": \"five\", \"Message\": \"\"}");
            s2.send(subscribe("five"));
        }
        String slow = s2.nextContaining("quota ws_messages_per_second", 5000);
        assertTrue(slow.contains("more than 5 client messages per second over this instance's sockets"), slow);
        // every one of the 20 was either refused (and counted) or sent on: wait until all are accounted for
        RelayFixture.await("all 20 messages refused or at the robot", 5000,
                () -> wsMessagesAt(robotA) + refusedMessages() - refusedBefore >= 20);
        long through = wsMessagesAt(robotA);
        assertTrue(through >= 5 && through <= 7, "about 5 of 20 messages reached the robot, got " + through);

        // the other instance is unaffected: its sockets and subscriptions are its own
        TestSocket other = open(urlB);
        for (int i = 0; i < 3; i++) other.send(subscribe("b" + i));
        other.nextContaining("\"b2\"", 5000);
        TestSocket second = open(urlB); // a second socket on b opens while a is at its limit, and is served
        second.send(subscribe("b3"));
        String registered = second.nextContaining("\"b3\"", 5000);
        assertTrue(registered.contains("API event registered"), "b's second socket subscribes: " + registered);

        // closing a socket gives back its place and its subscriptions
        s1.ws.sendClose(1000, "done").join();
        RelayFixture.await("a socket place is free again", 5000, () -> {
            try {
                sockets.add(TestSocket.open(http, urlA));
                return true;
            } catch (Exception e) {
                return false;
            }
        });
        String metrics = call("GET", "/metrics").body();
        assertTrue(metrics.contains("mistyproxy_quota_refusals_total{quota=\"pubsub_sockets\"}"), metrics);
    }
}
