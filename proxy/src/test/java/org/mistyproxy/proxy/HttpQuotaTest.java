package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.Quotas;
import org.mistyproxy.proxy.Rig.Api;
import org.mistyproxy.proxy.Rig.Resp;
import org.mistyproxy.proxy.server.ProxyServer;
import org.mistyproxy.sim.Simulator;

/**
 * Per-instance HTTP quotas: request rate (GETs included), requests in flight to the robot, client
 * connections. Each refusal names its quota and never reaches the robot; a second borrower on the
 * same server keeps its latency while the first one hammers its own limits.
 */
class HttpQuotaTest {
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
        a = Rig.deployment("misty_a", robotA.port()).withQuotas(new Quotas(4, 2, 5, 5, 4, 20, 50));
        b = Rig.deployment("misty_b", robotB.port());
        server = ProxyServer.start(Rig.config(dir, List.of(a, b)), Rig.fast());
    }

    @AfterEach
    void stop() {
        server.close();
        robotA.close();
        robotB.close();
    }

    /** One client for the borrower, so that sequential calls share one kept-alive connection. */
    private final Api borrowerUrls = Api.of("", null);

    private Resp fetchA(String url) {
        return borrowerUrls.send("GET", url, null);
    }

    /** Borrowers' GET /api/battery the robot saw (not mistyproxy's own health probes of the same route). */
    private long batteryCallsReaching(Simulator robot) {
        return SafetyRig.borrowers(robot).stream().filter(r -> r.path().equals("/api/battery")).count();
    }

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

    private static String get(Socket s, String path) throws Exception {
        s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        byte[] buf = new byte[8192];
        int n = in.read(buf);
        return new String(buf, 0, Math.max(0, n), StandardCharsets.UTF_8);
    }

    @Test
    void rateInFlightAndConnectionQuotasRefuseNamingTheQuotaAndLeaveOthersAlone() throws Exception {
        Api ursula = Api.of(server.publicBaseUrl(), Rig.URSULA);
        Api victor = Api.of(server.publicBaseUrl(), Rig.VICTOR);
        String iidA = ursula.ready(a.id().toString());
        String urlA = ursula.activate(iidA);
        String urlB = victor.activate(victor.ready(b.id().toString()));
        Api victorUrls = Api.of("", null);
        Runnable victorCall = () -> assertEquals(200, victorUrls.send("GET", urlB + "/api/battery", null).status());
        double baseline = medianMillis(9, victorCall);

        // rate: 20 quick GETs against 5/s with a burst of 5 (one connection)
        robotA.clearRequests();
        int ok = 0;
        for (int i = 0; i < 20; i++) {
            Resp r = fetchA(urlA + "/api/battery");
            if (r.status() == 200) {
                ok++;
            } else {
                assertEquals(429, r.status(), r.toString());
                assertTrue(r.body().contains("quota requests_per_second: more than 5 requests per second (burst 5)"), r.body());
            }
        }
        assertTrue(ok >= 5 && ok <= 8, "about the burst went through: " + ok);
        assertEquals(ok, batteryCallsReaching(robotA), "refused requests never reached the robot");

        // connections: the client's kept-alive one and three more are this instance's limit; a fifth is refused
        Thread.sleep(1100);
        String path = urlA.substring(urlA.indexOf('/', "http://".length())) + "/api/battery";
        List<Socket> held = new ArrayList<>();
        long reachedBefore = batteryCallsReaching(robotA);
        try {
            for (int i = 0; i < 3; i++) {
                Socket s = new Socket("127.0.0.1", server.port());
                s.setSoTimeout(10_000);
                held.add(s);
                String answer = get(s, path);
                assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
            }
            Socket fifth = new Socket("127.0.0.1", server.port());
            fifth.setSoTimeout(10_000);
            held.add(fifth);
            String refused = get(fifth, path);
            assertTrue(refused.startsWith("HTTP/1.1 503 ") && refused.contains("quota connections"), refused);
            assertEquals(reachedBefore + 3, batteryCallsReaching(robotA), "the refused connection's request never reached the robot");

            // meanwhile another borrower keeps its latency while this one hammers its limits
            AtomicBoolean stop = new AtomicBoolean();
            Thread hammer = new Thread(() -> {
                while (!stop.get()) {
                    fetchA(urlA + "/api/battery"); // 40 times its rate quota; refused at once
                    java.util.concurrent.locks.LockSupport.parkNanos(5_000_000);
                }
            });
            hammer.start();
            try {
                double underAttack = medianMillis(9, victorCall);
                assertTrue(underAttack / baseline <= 2.0, "victor's median " + underAttack + " ms vs " + baseline + " ms before");
            } finally {
                stop.set(true);
                hammer.join();
            }
        } finally {
            for (Socket s : held) s.close();
        }

        // in flight: a slow robot, four at once (four connections, within that quota), two may wait on it
        Thread.sleep(1100);
        robotA.latencyMs(1500);
        reachedBefore = batteryCallsReaching(robotA);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Resp>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) calls.add(pool.submit(() -> fetchA(urlA + "/api/battery")));
            int inFlightRefused = 0;
            for (Future<Resp> f : calls) {
                Resp r = f.get();
                if (r.status() == 503) {
                    assertTrue(r.body().contains("quota in_flight"), r.body());
                    inFlightRefused++;
                } else {
                    assertEquals(200, r.status(), r.toString());
                }
            }
            assertEquals(2, inFlightRefused);
            assertEquals(reachedBefore + 2, batteryCallsReaching(robotA), "the two refused in flight never reached the robot");
        } finally {
            pool.shutdownNow();
        }
        robotA.latencyMs(0);
        String audit = ursula.get("/addon/mistyproxy/" + iidA + "/log?limit=1000").body();
        for (String q : List.of("requests_per_second", "in_flight", "connections")) {
            assertTrue(audit.contains("\"rule\":\"quota " + q + "\""), "audited: " + q);
        }
        String metrics = Rig.fetch(server.publicBaseUrl() + "/metrics").body();
        for (String q : List.of("requests_per_second", "in_flight", "connections")) {
            assertTrue(metrics.contains("mistyproxy_quota_refusals_total{quota=\"" + q + "\"}"), q);
        }
    }
}
