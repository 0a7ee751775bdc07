package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.ConfigLoader;
import org.mistyproxy.proxy.ConfigFile.Robot;
import org.mistyproxy.proxy.Rig.Api;
import org.mistyproxy.proxy.Rig.Resp;
import org.mistyproxy.proxy.server.ProxyServer;
import org.mistyproxy.sim.Simulator;

/**
 * A live reload applies to the loan already running, not only to the next borrower: a deployment's
 * changed quotas hold the live instance at once (its counters of what is open stay), and turning
 * {@code auto_lock} off lifts the lock the health probe had put on (no probe would lift it any
 * more) while an owner's own lock stays.
 */
final class ReloadOnTheLiveLoanTest {
    @TempDir
    Path dir;

    private Simulator sim;
    private ProxyServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
        if (sim != null) sim.close();
    }

    private static long batteryCalls(Simulator robot) {
        return SafetyRig.borrowers(robot).stream().filter(r -> r.path().equals("/api/battery")).count();
    }

    @Test
    void aReloadRaisesAndLowersTheRateOfTheLiveInstance() throws Exception {
        sim = Simulator.start("127.0.0.1", 0);
        Robot a = new Robot(UUID.randomUUID(), sim.port(), "a-policy.yaml");
        ConfigFile file = new ConfigFile(dir);
        file.policy("a-policy.yaml", ReloadTest.OPEN);
        file.write(List.of(ReloadTest.OLIVE, ReloadTest.URSULA), List.of(a));
        String open = file.read();
        String tight = open.replace("    policy: a-policy.yaml", "    policy: a-policy.yaml\n    quotas: {requests_per_second: 1, burst: 2}");
        file.writeRaw(tight);
        server = ProxyServer.start(ConfigLoader.load(file.path()), Rig.fast());
        Api owner = Api.of(server.publicBaseUrl(), Rig.OWNER);
        Api ursula = Api.of(server.publicBaseUrl(), Rig.URSULA);
        String url = ursula.activate(ursula.ready(a.id().toString()));
        Api borrower = Api.of("", null);

        assertTight(borrower, url, sim);

        file.writeRaw(open.replace("    policy: a-policy.yaml", "    policy: a-policy.yaml\n    quotas: {requests_per_second: 1000, burst: 1000}"));
        assertEquals(200, owner.post("/reload").status());
        assertEquals(List.of(200, 200, 200, 200, 200, 200, 200, 200, 200, 200), statuses(borrower, url, 10),
                "the live instance has the new quota at once");

        file.writeRaw(tight);
        assertEquals(200, owner.post("/reload").status());
        assertTight(borrower, url, sim); // and back
    }

    /**
     * Six requests at once against burst 2 at 1/s: at most 2 (plus one a second the calls took on
     * a slow machine) pass, the rest are 429, and only those that passed reached the robot.
     */
    private static void assertTight(Api borrower, String url, Simulator sim) {
        long before = batteryCalls(sim);
        long start = System.nanoTime();
        List<Integer> s = statuses(borrower, url, 6);
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        long passed = s.stream().filter(x -> x == 200).count();
        org.junit.jupiter.api.Assertions.assertTrue(passed >= 2 && passed <= 2 + seconds && s.contains(429), s::toString);
        assertEquals(List.of(), s.stream().filter(x -> x != 200 && x != 429).toList());
        assertEquals(before + passed, batteryCalls(sim), "the refused requests never reached the robot");
    }

    private static List<Integer> statuses(Api borrower, String url, int n) {
        Integer[] out = new Integer[n];
        for (int i = 0; i < n; i++) {
            Resp r = borrower.send("GET", url + "/api/battery", null);
            out[i] = r.status();
        }
        return List.of(out);
    }

    @Test
    void turningAutoLockOffLiftsTheProbesLockButNotTheOwners() throws Exception {
        sim = Simulator.start("127.0.0.1", 0);
        Robot a = new Robot(UUID.randomUUID(), sim.port(), "a-policy.yaml");
        Robot b = new Robot(UUID.randomUUID(), sim.port(), "b-policy.yaml");
        ConfigFile file = new ConfigFile(dir);
        file.policy("a-policy.yaml", ReloadTest.OPEN);
        file.policy("b-policy.yaml", ReloadTest.OPEN);
        file.write(List.of(ReloadTest.OLIVE, ReloadTest.URSULA), List.of(a, b));
        String plain = file.read();
        String guarded = plain.replace("    policy: ", "    min_battery: 50\n    health: {interval_ms: 200, timeout_ms: 150, auto_lock: true}\n    policy: ");
        file.writeRaw(guarded);
        sim.battery(0.10, false); // below min_battery: unhealthy, auto-locked
        server = ProxyServer.start(ConfigLoader.load(file.path()), Rig.fast());
        Api owner = Api.of(server.publicBaseUrl(), Rig.OWNER);
        Api ursula = Api.of(server.publicBaseUrl(), Rig.URSULA);
        for (Robot r : List.of(a, b)) {
            Rig.await(() -> owner.get("/deployment/" + r.id()).json().get("lockout").asBoolean(), Duration.ofSeconds(10),
                    () -> "the probe locks " + r.id());
        }
        org.junit.jupiter.api.Assertions.assertTrue(owner.get("/deployment/" + a.id()).json().get("health").get("checked").asText()
                .matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}"), "times in the rerobots form");
        assertEquals(200, owner.post("/deployment/" + b.id() + "/lockout").status(), "the owner locks b too");
        long before = SafetyRig.borrowers(sim).size();
        Resp refused = ursula.post("/new/" + a.id());
        assertEquals(403, refused.status(), refused::toString);

        file.writeRaw(guarded.replace("auto_lock: true", "auto_lock: false"));
        assertEquals(200, owner.post("/reload").status());
        assertFalse(owner.get("/deployment/" + a.id()).json().get("lockout").asBoolean(), "the probe's lock went with auto_lock");
        org.junit.jupiter.api.Assertions.assertTrue(owner.get("/deployment/" + b.id()).json().get("lockout").asBoolean(),
                "the owner's lock stays");
        assertEquals(before, SafetyRig.borrowers(sim).size(), "the refused borrow sent nothing to the robot");
        Resp served = ursula.post("/new/" + a.id());
        assertEquals(200, served.status(), served::toString);
        Resp stillLocked = ursula.post("/new/" + b.id());
        assertEquals(403, stillLocked.status(), stillLocked::toString);
    }
}
