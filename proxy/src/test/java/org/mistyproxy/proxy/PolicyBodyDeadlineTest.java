package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.Quotas;
import org.mistyproxy.proxy.Rig.Api;
import org.mistyproxy.proxy.server.ProxyServer;
import org.mistyproxy.sim.Simulator;

/**
 * Issue 13, worker starvation on proxy URLs: a proxied request whose body the policy must read
 * (misty-safe checks {@code POST /api/led}'s JSON) and whose client sends the head and then stalls
 * gets 408 in Misty's envelope within the body deadline the control API uses
 * ({@code ServerOptions.bodyDeadline}), and its connection is closed. The policy never decided,
 * so the robot never saw it; its in-flight share is given back; another instance's requests go on
 * meanwhile. (The control-API version is {@link SlowClientTest}.)
 */
class PolicyBodyDeadlineTest {
    private static final Duration DEADLINE = Duration.ofSeconds(3);
    /** Instance a may have this many requests in flight: as many as stall, so a leaked share would show. */
    private static final int IN_FLIGHT = 4;

    @TempDir Path dir;
    Simulator robotA;
    Simulator robotB;
    Deployment a;
    Deployment b;
    ProxyServer server;

    @BeforeEach
    void start() throws Exception {
        robotA = Simulator.start("127.0.0.1", 0);
        robotB = Simulator.start("127.0.0.1", 0);
        a = Rig.deployment("misty_a", robotA.port()).withQuotas(new Quotas(32, IN_FLIGHT, 50, 100, 4, 20, 50));
        b = Rig.deployment("misty_b", robotB.port());
        server = ProxyServer.start(Rig.config(dir, List.of(a, b)), Rig.fast().withBodyDeadline(DEADLINE));
    }

    @AfterEach
    void stop() {
        server.close();
        robotA.close();
        robotB.close();
    }

    /** Sends the head of {@code POST path} announcing 100 bytes of JSON, and one byte of it. */
    private Socket stalledBody(String path) throws IOException {
        Socket s = new Socket("127.0.0.1", server.port());
        s.setSoTimeout(20_000);
        OutputStream out = s.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return s;
    }

    /** Everything the server sends until it closes the connection (a read timeout fails the test). */
    private static String readAll(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] b = new byte[4096];
        int n;
        while ((n = in.read(b)) >= 0) buf.write(b, 0, n);
        return buf.toString(StandardCharsets.UTF_8);
    }

    private static long ledCalls(Simulator robot) {
        return SafetyRig.borrowers(robot).stream().filter(r -> r.path().equals("/api/led")).count();
    }

    @Test
    void aStalledBodyThePolicyMustReadGets408AndIsClosedAndNeverReachesTheRobot() throws Exception {
        Api ursula = Api.of(server.publicBaseUrl(), Rig.URSULA);
        Api victor = Api.of(server.publicBaseUrl(), Rig.VICTOR);
        String iidA = ursula.ready(a.id().toString());
        String urlA = ursula.activate(iidA);
        String urlB = victor.activate(victor.ready(b.id().toString()));
        String pathA = urlA.substring(urlA.indexOf('/', "http://".length()));
        Api victorUrls = Api.of("", null);
        // the route is one whose body the policy reads: a whole body is carried through
        assertEquals(200, victorUrls.send("POST", urlB + "/api/led", "{\"Red\": 1, \"Green\": 2, \"Blue\": 3}").status());

        List<Socket> stalled = new ArrayList<>();
        try {
            long t0 = System.nanoTime();
            for (int i = 0; i < IN_FLIGHT; i++) stalled.add(stalledBody(pathA + "/api/led"));
            // Meanwhile the other instance goes on, bodies the policy reads included.
            for (int i = 0; i < 5; i++) {
                assertEquals(200, victorUrls.send("GET", urlB + "/api/battery", null).status());
                assertEquals(200, victorUrls.send("POST", urlB + "/api/led", "{\"Red\": 0, \"Green\": 0, \"Blue\": 0}").status());
            }
            for (Socket s : stalled) {
                String answer = readAll(s); // returns only once the server has closed the connection
                double seconds = (System.nanoTime() - t0) / 1e9;
                assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
                assertTrue(answer.contains("{\"status\":\"Failed\",\"error\":\"request body not received within 3 s\"}"), answer);
                assertTrue(answer.toLowerCase(java.util.Locale.ROOT).contains("connection: close"), answer);
                assertTrue(seconds >= DEADLINE.toMillis() / 1000.0 - 0.1 && seconds < DEADLINE.toSeconds() + 5,
                        "answered after the deadline, not before nor long after: " + seconds + " s");
            }
        } finally {
            for (Socket s : stalled) s.close();
        }
        assertEquals(0, ledCalls(robotA), "no stalled request reached robot a");

        // Each stalled request gave its in-flight share back (all of them were the limit), and the
        // instance itself goes on.
        Api ursulaUrls = Api.of("", null);
        assertEquals(200, ursulaUrls.send("POST", urlA + "/api/led", "{\"Red\": 9, \"Green\": 9, \"Blue\": 9}").status());
        assertEquals(1, ledCalls(robotA));
        Rig.await(() -> ursula.get("/addon/mistyproxy/" + iidA + "/log?limit=100").body().contains("\"rule\":\"body_deadline\""),
                Duration.ofSeconds(5), () -> "the 408 audited");
        long audited = 0;
        for (var e : ursula.get("/addon/mistyproxy/" + iidA + "/log?limit=100").json().get("entries")) {
            if (e.path("rule").asText().equals("body_deadline")) {
                audited++;
                assertEquals(408, e.get("status").asInt(), e.toString());
                assertEquals("/api/led", e.get("path").asText(), e.toString());
            }
        }
        assertEquals(IN_FLIGHT, audited, "each stalled request audited once");
        String metrics = Rig.fetch(server.publicBaseUrl() + "/metrics").body();
        assertTrue(metrics.contains("mistyproxy_relay_failures_total{cause=\"body_timeout\"} " + IN_FLIGHT + ".0"), metrics);
    }
}
