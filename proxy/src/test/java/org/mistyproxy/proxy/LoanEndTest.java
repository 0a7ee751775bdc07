package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mistyproxy.proxy.SafetyRig.awaitLogged;
import static org.mistyproxy.proxy.SafetyRig.count;
import static org.mistyproxy.proxy.SafetyRig.drive;
import static org.mistyproxy.proxy.SafetyRig.driving;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.RobotCommand;
import org.mistyproxy.config.Safety;
import org.mistyproxy.proxy.Rig.Api;
import org.mistyproxy.proxy.Rig.Resp;
import org.mistyproxy.proxy.server.ProxyServer;
import org.mistyproxy.sim.Simulator;

/** A loan ends safe: on_end on every kind of end, on_ready before READY, and the owner's halt. */
class LoanEndTest {
    private static final String STOP = "/api/drive/stop";
    private static final String HALT = "/api/halt";
    @TempDir Path dir;
    Simulator robot;
    Simulator lowBattery;
    Deployment misty;
    Deployment picky;
    ProxyServer server;
    Api owner;
    Api ursula;

    @BeforeEach
    void start() throws Exception {
        robot = Simulator.start("127.0.0.1", 0);
        lowBattery = Simulator.start("127.0.0.1", 0);
        // A long lease: only the loan's end may stop these robots within the tests' bounds.
        misty = Rig.deployment("misty2", robot.port()).withSafety(Safety.DEFAULT.withMotionLeaseMs(60_000));
        picky = Rig.deployment("picky", lowBattery.port()).withSafety(Safety.DEFAULT.withMinBattery(20).withHealth(
                new org.mistyproxy.config.Health(Duration.ofMillis(400), Duration.ofMillis(300), 3, true, Optional.empty())));
        server = ProxyServer.start(Rig.config(dir, List.of(misty, picky)), Rig.fast());
        owner = Api.of(server.publicBaseUrl(), Rig.OWNER);
        ursula = Api.of(server.publicBaseUrl(), Rig.URSULA);
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
        robot.close();
        lowBattery.close();
    }

    /** A driving borrower on misty; returns {iid, proxy URL}. */
    private String[] drivingLoan(String body) {
        Resp r = ursula.post("/new/" + misty.id(), body);
        String iid = r.json().get("id").asText();
        ursula.awaitStatus(iid, "READY");
        String url = ursula.activate(iid);
        drive(url);
        assertTrue(driving(robot));
        return new String[] {iid, url};
    }

    private void assertStopThenHaltWithinOneSecond(long sinceNanos, long stopsBefore, long haltsBefore) {
        awaitLogged(robot, "POST", STOP, stopsBefore, sinceNanos, 1000);
        awaitLogged(robot, "POST", HALT, haltsBefore, sinceNanos, 1000);
        List<String> order = robot.requests().stream().map(q -> q.method() + " " + q.path())
                .filter(s -> s.equals("POST " + STOP) || s.equals("POST " + HALT)).toList();
        assertEquals("POST " + HALT, order.get(order.size() - 1), "on_end runs in order: stop, then halt");
        assertFalse(driving(robot));
    }

    @Test
    void terminateStopsAndHaltsWithinOneSecond() {
        String[] loan = drivingLoan(null);
        long t = System.nanoTime();
        assertEquals(200, ursula.post("/terminate/" + loan[0]).status());
        assertStopThenHaltWithinOneSecond(t, 0, 0);
        Rig.await(() -> SafetyRig.safetyEntries(ursula, loan[0]).stream().filter(e -> e.get("trigger").asText().equals("on_end"))
                .count() == 2, Duration.ofSeconds(2), () -> "on_end entries");
        JsonNode first = SafetyRig.safetyEntries(ursula, loan[0]).stream()
                .filter(e -> e.get("trigger").asText().equals("on_end")).findFirst().orElseThrow();
        assertEquals("loan ended (terminated by ursula): on_end 1 of 2, POST /api/drive/stop", first.get("reason").asText());
    }

    @Test
    void expiryStopsAndHaltsWithinOneSecond() {
        String[] loan = drivingLoan("{\"expire_d\": 2}");
        String expires = ursula.get("/instance/" + loan[0]).json().get("expires").asText();
        long waitNanos = Math.max(0, RerobotsTimes.parse(expires).toEpochMilli() - System.currentTimeMillis()) * 1_000_000L;
        long t = System.nanoTime() + waitNanos; // the expiry, on this clock (the server's clock is the same system clock)
        long stopMs = awaitLogged(robot, "POST", STOP, 0, t, 1000);
        long haltMs = awaitLogged(robot, "POST", HALT, 0, t, 1000);
        // (awaitLogged answers at once, with a negative time, if the stop came already: not before the expiry)
        assertTrue(stopMs >= -50, "stopped " + -stopMs + " ms before the expiry");
        assertTrue(haltMs <= 1000, "halted " + haltMs + " ms after the expiry");
        assertEquals("TERMINATED", ursula.status(loan[0]));
        Rig.await(() -> !driving(robot), Duration.ofSeconds(1), () -> "the robot stopped"); // logged, then applied
    }

    @Test
    void deactivatingTheAddOnStopsAndHaltsWithinOneSecond() {
        String[] loan = drivingLoan(null);
        long t = System.nanoTime();
        assertEquals(200, ursula.delete("/addon/mistyproxy/" + loan[0]).status());
        assertStopThenHaltWithinOneSecond(t, 0, 0);
        assertEquals("READY", ursula.status(loan[0]), "the instance itself goes on");
    }

    @Test
    void aFailingActionIsAuditedAndNeverBlocksTheTermination() {
        String[] loan = drivingLoan(null);
        robot.failWith(503);
        assertEquals(200, ursula.post("/terminate/" + loan[0]).status());
        assertEquals("TERMINATED", ursula.status(loan[0]));
        Rig.await(() -> SafetyRig.safetyEntries(owner, loan[0]).stream()
                .filter(e -> e.get("trigger").asText().equals("on_end") && e.get("error").asText().equals("answered 503"))
                .count() == 2, Duration.ofSeconds(3), () -> "both failures audited: " + SafetyRig.safetyEntries(owner, loan[0]));
        String metrics = Rig.fetch(server.publicBaseUrl() + "/metrics").body();
        assertEquals(1.0, SafetyRig.metric(metrics,
                "mistyproxy_safety_commands_total{command=\"POST /api/halt\",result=\"failed\",trigger=\"on_end\"}"), metrics);
        JsonNode failed = owner.get("/deployment/" + misty.id()).json().get("health").get("last_failed_action");
        assertEquals("on_end", failed.get("trigger").asText(), failed.toString());
        assertEquals("answered 503", failed.get("error").asText());
        robot.clearFaults();
        // The next borrower still gets the robot.
        ursula.ready(misty.id().toString());
    }

    @Test
    void theNextBorrowerIsReadyOnlyAfterTheRobotIsStopped() {
        String[] loan = drivingLoan(null);
        robot.latencyMs(400); // a slow robot: on_end takes a while
        int before = robot.requests().size();
        long readyProbes = count(robot, "GET", "/api/device");
        assertEquals(200, ursula.post("/terminate/" + loan[0]).status());
        String next = owner.post("/new/" + misty.id()).json().get("id").asText();
        // Await each request in the robot's log (logged on arrival) rather than assume one is there.
        long t = System.nanoTime();
        awaitLogged(robot, "POST", HALT, 0, t, 3000);
        awaitLogged(robot, "GET", "/api/device", readyProbes, t, 3000);
        owner.awaitStatus(next, "READY");
        // Only what came after the terminate: the loan's on_end, then the next borrower's on_ready.
        List<String> seen = robot.requests().stream().map(q -> q.method() + " " + q.path()).toList();
        List<String> after = seen.subList(before, seen.size()).stream()
                .filter(s -> s.equals("POST " + STOP) || s.equals("POST " + HALT) || s.equals("GET /api/device")).toList();
        assertEquals(List.of("POST " + STOP, "POST " + HALT, "GET /api/device"), after,
                "on_end (stop, halt) before the next on_ready probe: " + seen);
    }

    @Test
    void onReadyRefusesARobotBelowMinBatteryWithTheReason() {
        lowBattery.battery(0.12, false);
        String iid = ursula.post("/new/" + picky.id()).json().get("id").asText();
        ursula.awaitStatus(iid, "INIT_FAIL");
        assertEquals("battery 12% is below the deployment's minimum 20%",
                ursula.get("/instance/" + iid).json().get("reason").asText());
        assertEquals(400, ursula.post("/addon/mistyproxy/" + iid).status());
        // The health probe counted on_ready's look too: the deployment is locked until the battery is back.
        lowBattery.battery(0.5, false);
        Rig.await(() -> !owner.get("/deployment/" + picky.id()).json().path("lockout").asBoolean(), Duration.ofSeconds(5),
                () -> "unlocked once the battery is back: " + owner.get("/deployment/" + picky.id()));
        ursula.ready(picky.id().toString());
    }

    @Test
    void theOwnersHaltStopsEndsTheLoanKillsTheUrlAndTheSocketWithinOneSecondEvenWithASlowRobot() throws Exception {
        String[] loan = drivingLoan(null);
        try (SafetyRig.RawPubSub socket = new SafetyRig.RawPubSub(loan[1])) {
            socket.answerPings(); // a live client: only the halt may close its socket
            robot.latencyMs(3000); // the robot answers slowly; the halt must not wait for it
            assertEquals(403, ursula.post("/deployment/" + misty.id() + "/halt").status(), "owners only");
            long t = System.nanoTime();
            Resp halted = owner.post("/deployment/" + misty.id() + "/halt");
            long answeredMs = (System.nanoTime() - t) / 1_000_000L;
            assertEquals(200, halted.status(), halted.toString());
            assertTrue(answeredMs < 1000, "answered in " + answeredMs + " ms");
            assertEquals(loan[0], halted.json().get("instance").asText());
            // Stop and halt reached the robot (logged on arrival, before the simulated latency).
            awaitLogged(robot, "POST", STOP, 0, t, 1000);
            awaitLogged(robot, "POST", HALT, 0, t, 1000);
            JsonNode info = ursula.get("/instance/" + loan[0]).json();
            assertEquals("TERMINATED", info.get("status").asText());
            assertEquals("halted by owner", info.get("reason").asText());
            Resp dead = Rig.fetch(loan[1] + "/api/battery");
            assertEquals(404, dead.status(), "the URL is revoked");
            assertEquals(1008, socket.awaitServerClose(), "the socket is closed with a policy close");
            assertTrue((System.nanoTime() - t) / 1_000_000L < 1000 + 100, "all of it within about a second");
        }
        robot.latencyMs(0);
        JsonNode locked = owner.get("/deployment/" + misty.id()).json();
        assertTrue(locked.get("lockout").asBoolean(), locked.toString());
        assertEquals("owner", locked.get("lockout_by").asText());
        assertTrue(locked.get("lockout_reason").asText().startsWith("halted by owner"), locked.toString());
        assertTrue(ursula.post("/new/" + misty.id()).status() != 200, "locked until the owner unlocks it");
        assertEquals(200, owner.delete("/deployment/" + misty.id() + "/lockout").status());
        ursula.ready(misty.id().toString());
        String metrics = Rig.fetch(server.publicBaseUrl() + "/metrics").body();
        assertEquals(1.0, SafetyRig.metric(metrics, "mistyproxy_owner_halts_total"), metrics);
        // one stop for the halt itself (on_end's own stop is counted under on_end)
        assertEquals(1.0, SafetyRig.metric(metrics, "mistyproxy_robot_stops_total{trigger=\"halt\"}"), metrics);
    }

    @Test
    void theOwnersHaltKeepsWaitingReservationsQueuedAndTheDeploymentLocked() {
        String[] loan = drivingLoan(null);
        Api victor = Api.of(server.publicBaseUrl(), Rig.VICTOR);
        Resp reserved = victor.post("/new/" + misty.id(), "{\"reserve\": true}");
        assertEquals(200, reserved.status(), reserved.toString());
        assertFalse(reserved.json().get("success").asBoolean(), "busy: a reservation, not an instance");
        String reservation = reserved.json().get("id").asText();

        long t = System.nanoTime();
        assertEquals(200, owner.post("/deployment/" + misty.id() + "/halt").status());
        awaitLogged(robot, "POST", STOP, 0, t, 1000);
        awaitLogged(robot, "POST", HALT, 0, t, 1000);
        assertEquals("TERMINATED", ursula.status(loan[0]));
        // The robot is free but locked: the reservation waits on, nobody got an instance.
        assertEquals(List.of(reservation), reservationIds(victor), "still queued after the halt");
        assertEquals(List.of(reservation), reservationIds(owner));
        assertEquals(0, victor.get("/instances").json().get("workspace_instances").size(), "the halt served nobody");
        JsonNode locked = owner.get("/deployment/" + misty.id()).json();
        assertTrue(locked.get("lockout").asBoolean(), locked.toString());
        assertEquals(2, victor.get("/queuelen/" + misty.id()).json().get("queuelen").asInt(), "locked: 1 + the one waiting");

        // The owner's unlock serves it.
        assertEquals(200, owner.delete("/deployment/" + misty.id() + "/lockout").status());
        Rig.await(() -> victor.get("/instances").json().get("workspace_instances").size() == 1, Duration.ofSeconds(5),
                () -> "served at the unlock: " + victor.get("/instances").body());
        assertEquals(List.of(), reservationIds(owner));
    }

    private static List<String> reservationIds(Api who) {
        List<String> ids = new java.util.ArrayList<>();
        who.get("/reservations").json().get("reservations").forEach(r -> ids.add(r.get("id").asText()));
        return ids;
    }

    @Test
    void haltWithNoLoanStillStopsTheRobot() {
        Resp halted = owner.post("/deployment/" + misty.id() + "/halt");
        assertEquals(200, halted.status(), halted.toString());
        assertNull(halted.json().get("instance").textValue());
        awaitLogged(robot, "POST", STOP, 0, System.nanoTime(), 1000);
        assertEquals(404, owner.post("/deployment/" + java.util.UUID.randomUUID() + "/halt").status());
        assertTrue(count(robot, "POST", HALT) <= 1);
    }

    @Test
    void onEndCommandsAreTheDeployments() throws Exception {
        server.close();
        Deployment custom = misty.withSafety(misty.safety().withOnEnd(List.of(
                new RobotCommand("POST", "/api/head", Optional.of("{\"Pitch\":0,\"Roll\":0,\"Yaw\":0,\"Velocity\":50}")),
                RobotCommand.DRIVE_STOP)));
        server = ProxyServer.start(Rig.config(dir.resolve("b"), List.of(custom)), Rig.fast());
        ursula = Api.of(server.publicBaseUrl(), Rig.URSULA);
        misty = custom;
        String[] loan = drivingLoan(null);
        long t = System.nanoTime();
        ursula.post("/terminate/" + loan[0]);
        awaitLogged(robot, "POST", STOP, 0, t, 1000);
        assertTrue(robot.requests().stream().anyMatch(q -> q.path().equals("/api/head")
                && q.bodyText().orElse("").contains("\"Velocity\":50")), "the configured command with its body");
        assertEquals(0, count(robot, "POST", HALT), "only the configured commands");
    }
}
