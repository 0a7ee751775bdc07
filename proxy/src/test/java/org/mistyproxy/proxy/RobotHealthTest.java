package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.Health;
import org.mistyproxy.config.Safety;
import org.mistyproxy.proxy.Rig.Api;
import org.mistyproxy.proxy.server.ProxyServer;
import org.mistyproxy.sim.Simulator;

/**
 * The health probe against the simulator's fault and battery knobs, with a loopback alert receiver:
 * each turn (offline, unhealthy, locked, recovered) is awaited only as long as the configured
 * probing promises, and a POST /new refused by the automatic lock says why and never reaches the robot.
 */
class RobotHealthTest {
    private static final int INTERVAL_MS = 400;
    private static final int TIMEOUT_MS = 300;
    private static final int FAILURES = 2;
    /** When a failing robot must show as offline, unhealthy and locked: N probes, the last one timing out. */
    private static final long BOUND_MS = (long) FAILURES * INTERVAL_MS + TIMEOUT_MS;
    /** When a change of the robot must show after one probe: the next probe starts within an interval. */
    private static final long ONE_PROBE_MS = INTERVAL_MS + TIMEOUT_MS;
    /** Scheduling and the lock's disk write on a loaded machine; the bounds above are what is promised. */
    private static final long SLACK_MS = 500;

    @TempDir Path dir;
    Simulator robot;
    Deployment misty;
    ProxyServer server;
    Api owner;
    Api ursula;
    HttpServer receiver;
    final LinkedBlockingQueue<String> alerts = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<String> alertQueries = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/alert", ex -> {
            alerts.add(new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            alertQueries.add(String.valueOf(ex.getRequestURI().getRawQuery()));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        receiver.start();
        robot = Simulator.start("127.0.0.1", 0);
        URI alertUrl = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/alert?key=s3cret");
        misty = Rig.deployment("misty2", robot.port()).withSafety(Safety.DEFAULT.withMinBattery(20).withHealth(
                new Health(Duration.ofMillis(INTERVAL_MS), Duration.ofMillis(TIMEOUT_MS), FAILURES, true, Optional.of(alertUrl))));
        server = ProxyServer.start(Rig.config(dir, List.of(misty)), Rig.fast());
        owner = Api.of(server.publicBaseUrl(), Rig.OWNER);
        ursula = Api.of(server.publicBaseUrl(), Rig.URSULA);
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
        robot.close();
        receiver.stop(0);
    }

    private JsonNode info(Api api) {
        return api.get("/deployment/" + misty.id()).json();
    }

    /** The next alert of this kind (a late one from a cold start's flap may come first; it is skipped). */
    private JsonNode nextAlert(String event) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            String a = alerts.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (a == null) throw new AssertionError("no " + event + " alert within 10 s");
            JsonNode j = Rig.JSON.readTree(a);
            if (j.get("event").asText().equals(event)) return j;
        }
    }

    /** Awaits a condition on the owner's deployment info, for at most 10 s (a cold JVM's first probes). */
    private void awaitInfo(java.util.function.Predicate<JsonNode> condition, String what) {
        Rig.await(() -> condition.test(info(owner)), Duration.ofSeconds(10), () -> what + ": " + info(owner));
    }

    /**
     * Awaits a condition on the owner's deployment info until {@code boundMs} (+ {@link #SLACK_MS})
     * after {@code since}, and fails past it: the wait is the bound, not a generous timeout checked
     * afterwards.
     */
    private void awaitInfoWithin(java.util.function.Predicate<JsonNode> condition, long since, long boundMs, String what) {
        long left = boundMs + SLACK_MS - (System.nanoTime() - since) / 1_000_000L;
        Rig.await(() -> condition.test(info(owner)), Duration.ofMillis(Math.max(0, left)),
                () -> what + " not within " + boundMs + " ms (+" + SLACK_MS + " ms): " + info(owner));
    }

    /**
     * A POST /new on the automatically locked deployment is refused with the lock's reason, and
     * neither the instance check ({@code GET /api/device}) nor anything of the borrower reaches the
     * robot. Returns the reason.
     */
    private String assertRefusedByTheHealthLock(String reasonPattern) {
        long inits = GovRig.hits(robot, "/api/device");
        int borrowers = SafetyRig.borrowers(robot).size();
        Rig.Resp refused = ursula.post("/new/" + misty.id(), "{\"reserve\": false}");
        assertEquals(403, refused.status(), refused.body());
        String reason = refused.json().get("result_message").asText();
        String prefix = "deployment " + misty.id() + " is locked out by its health check: ";
        assertTrue(reason.startsWith(prefix) && reason.substring(prefix.length()).matches(reasonPattern), reason);
        assertEquals(reason, refused.errorMessage());
        assertEquals(0, ursula.get("/instances").json().get("workspace_instances").size(), "no instance was made");
        assertEquals(inits, GovRig.hits(robot, "/api/device"), "the refused POST /new never reached the robot");
        assertEquals(borrowers, SafetyRig.borrowers(robot).size(), "nothing of the borrower reached the robot");
        return reason;
    }

    /**
     * The start: probed, online and healthy. (A cold JVM's first probes may miss their short test
     * timeout; what they alerted is not what the tests below look at.)
     */
    private void awaitHealthy() {
        awaitInfo(i -> i.path("health").path("checked").isTextual() && i.get("online").asBoolean()
                && i.path("health").path("healthy").asBoolean(), "probed and healthy");
        alerts.clear();
        alertQueries.clear();
    }

    @Test
    void aFailingRobotTurnsOfflineAndUnhealthyWithinTheBoundAndBothReturnWhenItRecovers() throws Exception {
        awaitHealthy();
        JsonNode healthy = info(owner);
        assertTrue(healthy.get("online").asBoolean());
        assertTrue(healthy.get("health").get("healthy").asBoolean(), healthy.toString());
        assertEquals(95.0, healthy.get("health").get("battery").asDouble(), 1.0);
        assertFalse(info(ursula).has("health"), "health details are for owners");

        long t = System.nanoTime();
        robot.failWith(503);
        awaitInfoWithin(i -> !i.get("online").asBoolean(), t, BOUND_MS, "online false");
        awaitInfoWithin(i -> !i.path("health").path("healthy").asBoolean(), t, BOUND_MS, "unhealthy");
        awaitInfoWithin(i -> i.path("lockout").asBoolean(), t, BOUND_MS, "locked");
        assertEquals("health", info(owner).get("lockout_by").asText());
        String offline = "robot offline: \\d+ probes failed in a row \\(the robot answered GET /api/battery with status 503\\)";
        String problem = info(owner).get("health").get("problem").asText();
        assertTrue(problem.matches(offline), problem);
        assertRefusedByTheHealthLock(offline);
        JsonNode alert = nextAlert("unhealthy");
        assertEquals(misty.id().toString(), alert.get("deployment").asText());
        assertTrue(alert.get("reason").asText().startsWith("robot offline"), alert.toString());
        assertTrue(alertQueries.stream().allMatch(q -> q.equals("key=s3cret")), "alerts go to the URL as configured");
        String metrics = Rig.fetch(server.publicBaseUrl() + "/metrics").body();
        assertEquals(0.0, SafetyRig.metric(metrics, "mistyproxy_robot_online{deployment=\"" + misty.id() + "\"}"), metrics);
        assertEquals(1.0, SafetyRig.metric(metrics, "mistyproxy_robot_unhealthy{deployment=\"" + misty.id() + "\"}"));
        assertEquals(1.0, LockoutTest.lockedGauge(server.publicBaseUrl(), misty, "health"));
        assertEquals(0.0, LockoutTest.lockedGauge(server.publicBaseUrl(), misty, "owner"));

        robot.clearFaults();
        awaitInfoWithin(i -> i.get("online").asBoolean() && i.path("health").path("healthy").asBoolean()
                && !i.path("lockout").asBoolean(), System.nanoTime(), ONE_PROBE_MS, "recovered and unlocked");
        nextAlert("recovered");
        metrics = Rig.fetch(server.publicBaseUrl() + "/metrics").body();
        assertEquals(1.0, SafetyRig.metric(metrics, "mistyproxy_robot_online{deployment=\"" + misty.id() + "\"}"));
        assertEquals(0.0, LockoutTest.lockedGauge(server.publicBaseUrl(), misty, "health"));
    }

    @Test
    void aBatteryBelowTheMinimumIsUnhealthyWhileTheRobotStaysOnline() throws Exception {
        awaitHealthy();
        robot.battery(0.1, true); // charging: it does not drain below 10 % while the test reads it
        awaitInfoWithin(i -> !i.path("health").path("healthy").asBoolean() && i.path("lockout").asBoolean(), System.nanoTime(),
                ONE_PROBE_MS, "unhealthy and locked");
        JsonNode i = info(owner);
        assertTrue(i.get("online").asBoolean(), "it answers: online");
        assertEquals("battery 10% is below the deployment's minimum 20%", i.get("health").get("problem").asText(), i.toString());
        assertRefusedByTheHealthLock("battery 10% is below the deployment's minimum 20%");
        nextAlert("unhealthy");
        robot.battery(0.8, true);
        awaitInfoWithin(x -> x.path("health").path("healthy").asBoolean() && !x.path("lockout").asBoolean(), System.nanoTime(),
                ONE_PROBE_MS, "recovered and unlocked");
        nextAlert("recovered");
        ursula.ready(misty.id().toString()); // and it lends again
    }
}
