package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mistyproxy.proxy.SafetyRig.awaitLogged;
import static org.mistyproxy.proxy.SafetyRig.count;
import static org.mistyproxy.proxy.SafetyRig.drive;
import static org.mistyproxy.proxy.SafetyRig.driving;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.Quotas;
import org.mistyproxy.config.Safety;
import org.mistyproxy.proxy.Rig.Api;
import org.mistyproxy.proxy.server.ProxyServer;
import org.mistyproxy.sim.Simulator;

/**
 * Leased motion end to end: the simulator as the robot, its request log and state as the oracle,
 * timed by awaiting that log (never by sleeping in place of a condition).
 */
class MotionLeaseTest {
    private static final String STOP = "/api/drive/stop";
    @TempDir Path dir;
    private final List<Simulator> robots = new java.util.ArrayList<>();
    private ProxyServer server;
    private Api owner;

    private Simulator robot() {
        Simulator s = Simulator.start("127.0.0.1", 0);
        robots.add(s);
        return s;
    }

    private void start(Deployment... deployments) throws Exception {
        server = ProxyServer.start(Rig.config(dir, List.of(deployments)), Rig.fast());
        owner = Api.of(server.publicBaseUrl(), Rig.OWNER);
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
        robots.forEach(Simulator::close);
    }

    private static Deployment withLease(Simulator robot, int ms) {
        return Rig.deployment("misty2", robot.port()).withSafety(Safety.DEFAULT.withMotionLeaseMs(ms));
    }

    @Test
    void anOpenEndedDriveIsStoppedByTheProxyTwoSecondsAfterTheLastRequest() throws Exception {
        Simulator robot = robot();
        Deployment d = Rig.deployment("misty2", robot.port()); // the default lease, 2000 ms
        start(d);
        String iid = owner.ready(d.id().toString());
        String url = owner.activate(iid);

        HttpResponse<String> r = drive(url);
        long sent = System.nanoTime();
        assertEquals(Optional.of("2000"), r.headers().firstValue("X-Motion-Lease-Ms"), "a leased command says its lease");
        assertTrue(driving(robot));
        assertEquals(0, count(robot, "POST", STOP));

        long ms = awaitLogged(robot, "POST", STOP, 0, sent, 4000);
        assertTrue(ms >= 1500 && ms <= 2500, "stopped " + ms + " ms after the last request, not 2000 ± 500");
        // the simulator logs a request as it arrives and applies it just after: wait for that
        Rig.await(() -> !driving(robot), java.time.Duration.ofSeconds(1), () -> "the robot stopped");
        assertEquals(List.of("POST " + STOP), SafetyRig.fromProxy(robot).stream().filter(s -> s.startsWith("POST")).toList(),
                "the stop came from mistyproxy itself, once");

        // What the borrower sees in the instance log, and what /metrics counts.
        JsonNode ready = SafetyRig.safetyEntries(owner, iid).get(0);
        assertEquals("on_ready", ready.get("trigger").asText());
        assertTrue(ready.get("reason").asText().startsWith("on_ready: robot answered in "), ready.toString());
        Rig.await(() -> SafetyRig.safetyEntries(owner, iid).size() == 2, java.time.Duration.ofSeconds(2), () -> "no lease entry");
        JsonNode e = SafetyRig.safetyEntries(owner, iid).get(1);
        assertEquals("lease", e.get("trigger").asText());
        assertEquals(STOP, e.get("path").asText());
        assertTrue(e.get("reason").asText().startsWith("motion lease of 2000 ms lapsed: no request or /pubsub message from "
                + "the borrower for "), e.toString());
        assertTrue(e.get("reason").asText().contains("after POST /api/drive (rule 1, misty-safe.yaml:"), e.toString());
        assertEquals(200, e.get("upstream_status").asInt());
        String metrics = Rig.fetch(server.publicBaseUrl() + "/metrics").body();
        assertEquals(1.0, SafetyRig.metric(metrics, "mistyproxy_motion_leases_started_total"), metrics);
        assertEquals(1.0, SafetyRig.metric(metrics, "mistyproxy_motion_leases_expired_total"));
        assertEquals(1.0, SafetyRig.metric(metrics, "mistyproxy_robot_stops_total{trigger=\"lease\"}"));
    }

    @Test
    void regularRequestsKeepItDrivingAndSilenceStopsIt() throws Exception {
        Simulator robot = robot();
        Deployment d = withLease(robot, 600);
        start(d);
        String url = owner.activate(owner.ready(d.id().toString()));
        drive(url);
        long end = System.nanoTime() + 2_000_000_000L; // more than three leases long
        int kept = 0;
        long last = System.nanoTime();
        while (true) {
            // A teleop client's steady traffic: reads, not motion, renew the lease too.
            assertEquals(200, Rig.fetch(url + "/api/battery").status());
            last = System.nanoTime();
            kept++;
            if (last > end) break;
            Thread.sleep(150); // the client's pace, not a wait for a condition
        }
        assertEquals(0, count(robot, "POST", STOP), "renewed by " + kept + " requests, so never stopped");
        assertTrue(driving(robot));
        long ms = awaitLogged(robot, "POST", STOP, 0, last, 3000);
        assertTrue(ms >= 450 && ms <= 1100, "stopped " + ms + " ms after the last request, lease 600 ms");
        Rig.await(() -> !driving(robot), java.time.Duration.ofSeconds(1), () -> "the robot stopped"); // logged, then applied
    }

    @Test
    void messagesOnItsPubsubSocketKeepItDrivingAndTheirSilenceStopsItAfterTheLease() throws Exception {
        Simulator robot = robot();
        Deployment d = Rig.deployment("misty2", robot.port()); // the default lease, 2000 ms
        start(d);
        String url = owner.activate(owner.ready(d.id().toString()));
        String subscribe = "{\"Operation\": \"subscribe\", \"Type\": \"BatteryCharge\", \"EventName\": \"b\", \"DebounceMs\": 5000}";
        String unsubscribe = "{\"Operation\": \"unsubscribe\", \"EventName\": \"b\"}";
        try (SafetyRig.RawPubSub socket = new SafetyRig.RawPubSub(url)) {
            socket.answerPings(); // alive throughout: only the lease may stop the robot here
            drive(url);
            long end = System.nanoTime() + 3_000_000_000L; // half as long again as the lease
            int sent = 0;
            long last;
            while (true) {
                // No HTTP request meanwhile: only these messages can renew the lease.
                socket.sendText(sent % 2 == 0 ? subscribe : unsubscribe);
                last = System.nanoTime();
                sent++;
                if (last > end) break;
                Thread.sleep(250); // the client's pace, not a wait for a condition
            }
            assertEquals(0, count(robot, "POST", STOP), "renewed by " + sent + " /pubsub messages, so never stopped");
            assertTrue(driving(robot));
            // The socket stays open and answers pings, which do not renew: the lease lapses.
            long ms = awaitLogged(robot, "POST", STOP, 0, last, 4000);
            assertTrue(ms >= 1500 && ms <= 2500, "stopped " + ms + " ms after the last message, not 2000 ± 500");
            assertTrue(socket.pongs() > 0, "the socket answered pings meanwhile");
        }
        Rig.await(() -> !driving(robot), java.time.Duration.ofSeconds(1), () -> "the robot stopped"); // logged, then applied
        String metrics = Rig.fetch(server.publicBaseUrl() + "/metrics").body();
        assertEquals(1.0, SafetyRig.metric(metrics, "mistyproxy_robot_stops_total{trigger=\"lease\"}"), metrics);
    }

    @Test
    void requestsAQuotaRefusesRenewTheLeaseTooAndNeverReachTheRobot() throws Exception {
        Simulator robot = robot();
        // One request a second (no burst): the drive takes it, then most requests are refused with 429.
        Deployment d = withLease(robot, 600).withQuotas(new Quotas(32, 16, 1, 1, 4, 20, 50));
        start(d);
        String url = owner.activate(owner.ready(d.id().toString()));
        drive(url);
        long driven = System.nanoTime();
        long end = driven + 2_500_000_000L; // four leases long
        List<Long> admitted = new java.util.ArrayList<>(List.of(driven));
        int refused = 0;
        long last;
        while (true) {
            int status = Rig.fetch(url + "/api/battery").status();
            last = System.nanoTime();
            if (status == 200) admitted.add(last);
            else if (status == 429) refused++;
            else throw new AssertionError("status " + status);
            if (last > end) break;
            Thread.sleep(100); // the client's pace, not a wait for a condition
        }
        admitted.add(last);
        long longestAdmittedGapMs = 0;
        for (int i = 1; i < admitted.size(); i++) {
            longestAdmittedGapMs = Math.max(longestAdmittedGapMs, (admitted.get(i) - admitted.get(i - 1)) / 1_000_000L);
        }
        // Admitted requests alone would have let the 600 ms lease lapse: only the refused ones renewed it.
        assertTrue(longestAdmittedGapMs > 800, "the longest stretch without an admitted request: " + longestAdmittedGapMs + " ms");
        assertTrue(refused >= 10, refused + " requests refused");
        assertEquals(0, count(robot, "POST", STOP), refused + " refused requests renewed the lease, so it never lapsed");
        assertTrue(driving(robot));
        assertEquals(admitted.size() - 2, SafetyRig.borrowers(robot).stream().filter(q -> q.path().equals("/api/battery")).count(),
                "the refused requests never reached the robot");
        long ms = awaitLogged(robot, "POST", STOP, 0, last, 3000);
        assertTrue(ms >= 450 && ms <= 1100, "stopped " + ms + " ms after the last request, lease 600 ms");
        Rig.await(() -> !driving(robot), java.time.Duration.ofSeconds(1), () -> "the robot stopped"); // logged, then applied
    }

    @Test
    void theBorrowersOwnStopEndsTheLeaseSoNothingMoreIsSent() throws Exception {
        Simulator robot = robot();
        Simulator control = robot();
        Deployment d = withLease(robot, 300);
        Deployment c = withLease(control, 900);
        start(d, c);
        String url = owner.activate(owner.ready(d.id().toString()));
        String controlUrl = owner.activate(owner.ready(c.id().toString()));
        drive(url);
        assertEquals(200, SafetyRig.post(url + STOP, "{}").statusCode());
        long t = System.nanoTime();
        drive(controlUrl);
        // The control's lease (900 ms) lapses well after the first one's would have (300 ms).
        awaitLogged(control, "POST", STOP, 0, t, 3000);
        assertEquals(1, count(robot, "POST", STOP), "only the borrower's own stop");
    }

    @Test
    void leasingOffSendsNothing() throws Exception {
        Simulator raw = robot();
        Simulator control = robot();
        Deployment off = withLease(raw, 0);
        Deployment on = withLease(control, 2200); // longer than the default, so a default-lease bug shows
        start(off, on);
        String offUrl = owner.activate(owner.ready(off.id().toString()));
        String onUrl = owner.activate(owner.ready(on.id().toString()));
        HttpResponse<String> r = drive(offUrl);
        assertEquals(Optional.empty(), r.headers().firstValue("X-Motion-Lease-Ms"));
        long t = System.nanoTime();
        drive(onUrl);
        awaitLogged(control, "POST", STOP, 0, t, 5000);
        assertEquals(0, count(raw, "POST", STOP), "leasing off: mistyproxy sent nothing");
        assertTrue(driving(raw), "the robot's raw behaviour: still driving");
    }

    @Test
    void aPubsubSocketDroppedWithoutACloseFrameDuringMotionStopsWithin500Ms() throws Exception {
        Simulator robot = robot();
        Deployment d = withLease(robot, 60_000); // the lease would take a minute: the socket's end decides
        start(d);
        String iid = owner.ready(d.id().toString());
        String url = owner.activate(iid);
        try (SafetyRig.RawPubSub socket = new SafetyRig.RawPubSub(url)) {
            socket.answerPings(); // alive until the reset: the reset alone must stop the robot
            socket.sendText("{\"Operation\": \"subscribe\", \"Type\": \"BatteryCharge\", \"EventName\": \"b\", \"DebounceMs\": 1000}");
            drive(url);
            socket.vanish();
            long t = System.nanoTime();
            long ms = awaitLogged(robot, "POST", STOP, 0, t, 2000);
            assertTrue(ms <= 500, "stopped " + ms + " ms after the socket vanished");
        }
        Rig.await(() -> !driving(robot), java.time.Duration.ofSeconds(1), () -> "the robot stopped"); // logged, then applied
        Rig.await(() -> SafetyRig.safetyEntries(owner, iid).stream().anyMatch(e -> e.get("trigger").asText().equals("socket")),
                java.time.Duration.ofSeconds(2), () -> "no socket entry");
        String metrics = Rig.fetch(server.publicBaseUrl() + "/metrics").body();
        assertEquals(1.0, SafetyRig.metric(metrics, "mistyproxy_robot_stops_total{trigger=\"socket\"}"), metrics);
    }

    @Test
    void aPubsubSocketThatGoesSilentDuringMotionStopsWithin500MsWhileOneThatAnswersPingsDoesNot() throws Exception {
        Simulator robot = robot();
        Deployment d = withLease(robot, 60_000); // the lease would take a minute: the socket's silence decides
        start(d);
        String iid = owner.ready(d.id().toString());
        String url = owner.activate(iid);
        try (SafetyRig.RawPubSub socket = new SafetyRig.RawPubSub(url)) {
            socket.answerPings();
            drive(url);
            // Pongs are all it sends: they show the socket is alive (they do not renew the lease).
            // Ten of them take a second of motion at least, well past the 350 ms of silence allowed.
            Rig.await(() -> socket.pongs() >= 10, java.time.Duration.ofSeconds(5), () -> "pings answered: " + socket.pongs());
            assertEquals(0, count(robot, "POST", STOP), "a socket that answers pings is not taken as gone");
            assertTrue(driving(robot));

            // The network goes: no FIN, no reset, no close frame; the client just answers nothing more.
            long silentSince = socket.goSilent();
            long ms = awaitLogged(robot, "POST", STOP, 0, silentSince, 2000);
            assertTrue(ms <= 500, "stopped " + ms + " ms after the socket went silent");
            assertEquals(1008, socket.awaitServerClose(), "then the socket is closed");
        }
        Rig.await(() -> !driving(robot), java.time.Duration.ofSeconds(1), () -> "the robot stopped"); // logged, then applied
        Rig.await(() -> SafetyRig.safetyEntries(owner, iid).stream().anyMatch(e -> e.get("trigger").asText().equals("socket")),
                java.time.Duration.ofSeconds(2), () -> "no socket entry");
        JsonNode e = SafetyRig.safetyEntries(owner, iid).stream().filter(x -> x.get("trigger").asText().equals("socket"))
                .findFirst().orElseThrow();
        assertTrue(e.get("reason").asText().startsWith("the borrower's /pubsub socket ended abnormally (no answer to pings for "),
                e.toString());
        String metrics = Rig.fetch(server.publicBaseUrl() + "/metrics").body();
        assertEquals(1.0, SafetyRig.metric(metrics, "mistyproxy_robot_stops_total{trigger=\"socket\"}"), metrics);
        assertEquals(1.0, SafetyRig.metric(metrics, "mistyproxy_ws_clients_closed_silent_total"), metrics);
        assertEquals(1, count(robot, "POST", STOP), "one stop");
    }

    @Test
    void aPubsubSocketThatHasNeverAnsweredAPingIsLeftToTheLease() throws Exception {
        Simulator robot = robot();
        Deployment d = withLease(robot, 1500);
        start(d);
        String url = owner.activate(owner.ready(d.id().toString()));
        try (SafetyRig.RawPubSub socket = new SafetyRig.RawPubSub(url)) {
            // Open, upgraded, and never read (a script that drives over REST and reads its socket
            // now and then): its quiet shows nothing, so the 1.5 s lease decides, not the 350 ms
            // silence that stops a socket which answered pings and then went quiet.
            long sent = System.nanoTime();
            drive(url);
            long ms = awaitLogged(robot, "POST", STOP, 0, sent, 3000);
            assertTrue(ms >= 1000 && ms <= 2000, "stopped " + ms + " ms after the drive was sent: by the lease");
        }
        String iid = owner.get("/instances").json().get("workspace_instances").get(0).asText();
        Rig.await(() -> SafetyRig.safetyEntries(owner, iid).stream().anyMatch(x -> x.path("trigger").asText().equals("lease")),
                java.time.Duration.ofSeconds(2), () -> "the lease's stop is in the log");
        assertTrue(SafetyRig.safetyEntries(owner, iid).stream().noneMatch(x -> x.path("trigger").asText().equals("socket")),
                "not taken as a vanished socket");
    }

    @Test
    void aServerThatStopsDuringMotionStopsTheRobotFirst() throws Exception {
        Simulator robot = robot();
        Deployment d = withLease(robot, 60_000);
        start(d);
        drive(owner.activate(owner.ready(d.id().toString())));
        server.close(); // returns once the stop has been answered (or timed out)
        server = null;
        assertEquals(1, count(robot, "POST", STOP), "nobody could stop it once the server is gone");
        assertFalse(driving(robot));
    }

    @Test
    void aSocketClosedProperlyOrWithoutMotionSendsNothing() throws Exception {
        Simulator robot = robot();
        Simulator control = robot();
        Deployment d = withLease(robot, 60_000);
        Deployment c = withLease(control, 300);
        start(d, c);
        String url = owner.activate(owner.ready(d.id().toString()));
        try (SafetyRig.RawPubSub socket = new SafetyRig.RawPubSub(url)) {
            socket.vanish(); // no motion in progress: nothing to stop
        }
        String controlUrl = owner.activate(owner.ready(c.id().toString()));
        long t = System.nanoTime();
        drive(controlUrl);
        awaitLogged(control, "POST", STOP, 0, t, 3000);
        assertEquals(0, count(robot, "POST", STOP));
    }
}
