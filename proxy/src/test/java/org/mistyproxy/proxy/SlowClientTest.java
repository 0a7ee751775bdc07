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
import java.util.Arrays;
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
 * Issue 13, worker starvation: connections that send a control-API head announcing a body and then
 * stall used to hold every worker thread (blocking reads, no deadline) and froze the control API
 * for everyone. Now the body is read without blocking, a stalled client gets 408 and is closed,
 * and another borrower's calls keep their latency meanwhile. Head and body bounds give clear errors.
 */
class SlowClientTest {
    /** More than Undertow's default worker pool on a 2-core machine (16 threads). */
    private static final int ATTACKERS = 40;

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
        a = Rig.deployment("misty_a", robotA.port());
        b = Rig.deployment("misty_b", robotB.port());
        server = ProxyServer.start(Rig.config(dir, List.of(a, b)), Rig.fast().withBodyDeadline(Duration.ofSeconds(3)));
    }

    @AfterEach
    void stop() {
        server.close();
        robotA.close();
        robotB.close();
    }

    private Socket stalledBody(String path, String token) throws IOException {
        Socket s = new Socket("127.0.0.1", server.port());
        s.setSoTimeout(20_000);
        OutputStream out = s.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                + "\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return s;
    }

    private static String readAll(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] b = new byte[4096];
        int n;
        while ((n = in.read(b)) >= 0) buf.write(b, 0, n); // until the server closes
        return buf.toString(StandardCharsets.UTF_8);
    }

    /** Median milliseconds of {@code n} calls, floored at 20 ms so that scheduler noise cannot decide a ratio. */
    private static double medianMillis(int n, Runnable call) {
        double[] t = new double[n];
        for (int i = 0; i < n; i++) {
            long start = System.nanoTime();
            call.run();
            t[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(t);
        return Math.max(20, t[n / 2]);
    }

    @Test
    void stalledBodiesGet408AndNeitherExhaustTheWorkersNorSlowAnotherBorrower() throws Exception {
        Api victor = Api.of(server.publicBaseUrl(), Rig.VICTOR);
        String other = victor.ready(b.id().toString());
        String otherUrl = victor.activate(other);
        Runnable victorCalls = () -> {
            Resp info = victor.get("/instance/" + other);
            assertEquals(200, info.status(), info.toString());
            Resp create = victor.post("/new/" + b.id(), "{\"expire_d\": 60}"); // a control call with a body
            assertEquals(503, create.status(), "busy: victor holds b already; " + create);
            assertEquals(200, Rig.fetch(otherUrl + "/api/battery").status());
        };
        double baseline = medianMillis(9, victorCalls);

        List<Socket> attackers = new ArrayList<>();
        try {
            for (int i = 0; i < ATTACKERS; i++) attackers.add(stalledBody("/new/" + a.id(), Rig.URSULA));
            // every head has reached the server: each is a request waiting for its body (the scrape counts itself)
            Rig.await(() -> SafetyRig.metric(Rig.fetch(server.publicBaseUrl() + "/metrics").body(),
                    "mistyproxy_http_requests_in_flight") >= ATTACKERS + 1, Duration.ofSeconds(10), () -> "the stalled heads in flight");
            double underAttack = medianMillis(9, victorCalls);
            assertTrue(underAttack / baseline <= 2.0,
                    "another borrower's median latency under attack " + underAttack + " ms vs " + baseline + " ms before");

            for (Socket s : attackers) {
                String answer = readAll(s);
                assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
                assertTrue(answer.contains("request body not received within 3 s"), answer);
            }
        } finally {
            for (Socket s : attackers) s.close();
        }
        assertEquals(0, Api.of(server.publicBaseUrl(), Rig.URSULA).get("/instances").json().get("workspace_instances").size(),
                "no stalled request was carried out");
        assertEquals(0, SafetyRig.borrowers(robotA).stream().filter(r -> !r.path().equals("/api/device")).count(),
                "nothing reached robot a");
    }

    @Test
    void longPathsAreStoredBoundedInTheAuditRingAndTheAccessLogAndHugeOnesNeverGetIn() throws Exception {
        Api ursula = Api.of(server.publicBaseUrl(), Rig.URSULA);
        Api victor = Api.of(server.publicBaseUrl(), Rig.VICTOR);
        String iid = ursula.ready(a.id().toString());
        String url = ursula.activate(iid);
        String otherUrl = victor.activate(victor.ready(b.id().toString()));
        String longPath = "/api/" + "p".repeat(20_000);
        Api client = Api.of("", null); // one client, kept-alive connections (each new client would hold its own)
        for (int i = 0; i < 50; i++) {
            Resp r = client.send("GET", url + longPath + i, null);
            assertEquals(403, r.status(), "misty-safe blocks it");
            if (i % 10 == 0) assertEquals(200, Rig.fetch(otherUrl + "/api/battery").status(), "the other instance goes on");
        }
        Rig.await(() -> ursula.get("/addon/mistyproxy/" + iid + "/log?limit=1000").json().get("entries").size() >= 50,
                Duration.ofSeconds(10), () -> "audit entries");
        for (var e : ursula.get("/addon/mistyproxy/" + iid + "/log?limit=1000").json().get("entries")) {
            if (e.get("channel").asText().equals("safety")) continue; // mistyproxy's own on_ready check
            assertTrue(e.get("path").asText().length() < 600, "path stored bounded");
            assertTrue(e.get("path").asText().endsWith(" chars]"), "with its real length noted: " + e.get("path").asText().substring(500));
            assertTrue(e.get("reason").asText().length() < 1100, "reason stored bounded");
        }
        Path access = dir.resolve("access.log");
        Rig.await(() -> {
            try {
                return java.nio.file.Files.readString(access).contains(" chars] status=403");
            } catch (IOException e) {
                return false;
            }
        }, Duration.ofSeconds(10), () -> "access log lines");
        for (String line : java.nio.file.Files.readAllLines(access)) assertTrue(line.length() < 1000, "access log line bounded");

        Resp huge = client.send("GET", url + "/api/" + "h".repeat(1_000_000), null);
        assertTrue(huge.status() == 431 || huge.status() == 400 || huge.status() == 414, "a 1 MB path never gets in: " + huge.status());
        assertEquals(0, robotA.requests().stream().filter(r -> r.path().startsWith("/api/pp") || r.path().startsWith("/api/hh")).count());
    }

    @Test
    void oversizedBodiesAndHeadsAreRefusedWithClearErrors() throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("POST /new/" + a.id() + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + Rig.URSULA
                    + "\r\nContent-Length: 70000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = readAll(s);
            assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
            assertTrue(answer.contains("{\"error_message\":\"request body is larger than 65536 bytes\"}"), answer);
        }
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET /instances HTTP/1.1\r\nHost: x\r\nX-Pad: " + "p".repeat(40_000) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = readAll(s);
            assertTrue(answer.startsWith("HTTP/1.1 431 ") || answer.startsWith("HTTP/1.1 400 "), answer);
        }
        // chunked, so the size is only known while reading
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /new/" + a.id() + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + Rig.URSULA
                    + "\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            // 64 KiB + 16 bytes: one byte too many is enough, and the server reads all that was sent
            // (so its close is a clean FIN, not a reset that would hide the answer)
            byte[] chunk = ("8000\r\n" + " ".repeat(0x8000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            out.write(chunk);
            out.write(chunk);
            out.write(("10\r\n" + " ".repeat(16) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readAll(s);
            assertTrue(answer.startsWith("HTTP/1.1 413 "), answer);
        }
        assertEquals(0, Api.of(server.publicBaseUrl(), Rig.URSULA).get("/instances").json().get("workspace_instances").size());
    }
}
