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
 * The health probe's automatic lock and a live reload: an owner who turns {@code auto_lock} off
 * while the probe holds the deployment locked gets it unlocked (no probe would lift it any more);
 * an owner's own lock is never lifted that way.
 */
final class HealthReloadTest {
    @TempDir
    Path dir;

    private Simulator sim;
    private ProxyServer server;

    @AfterEach
    void stop() {
        if (server != null) server.close();
        if (sim != null) sim.close();
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
