package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.RobotAddress;
import org.mistyproxy.proxy.server.ProxyServer;
import org.mistyproxy.sim.Simulator;

/**
 * examples/rerobots_client_calls.py (what the rerobots client and CLI send with their defaults:
 * anonymous reads, `rerobots search`, an unlisted deployment's 404, paging, timestamps, the
 * use-queue's get_reservations / cancel_reservation, camera 0, revoke_token) against a live
 * server and the simulator.
 */
class RerobotsClientCallsTest {
    @TempDir Path dir;

    @Test
    void theClientsEverydayCallsWork() throws Exception {
        Tools.requirePython("requests, numpy, PIL");
        try (Simulator robot = Simulator.start("127.0.0.1", 0)) {
            Deployment misty = Rig.deployment("fixed_misty2", robot.port(), Rig.synthetic("front"));
            Deployment garage = new Deployment(UUID.randomUUID(), "user_provided", "garage", "someone's own rig",
                    new RobotAddress("127.0.0.1", robot.port()), Optional.empty(), List.of("*"), List.of());
            Deployment unlisted = new Deployment(UUID.randomUUID(), "misty_private", "attic", "lent to a few",
                    new RobotAddress("127.0.0.1", robot.port()), Optional.empty(), List.of("*"), List.of(), false);
            try (ProxyServer server = ProxyServer.start(Rig.config(dir, List.of(misty, garage, unlisted)), Rig.fast())) {
                List<String> cmd = new ArrayList<>(List.of(Tools.PYTHON,
                        Tools.repoRoot().resolve("examples/rerobots_client_calls.py").toString(),
                        "--base-uri", server.publicBaseUrl(), "--api-token", Rig.URSULA, "--spare-token", Rig.VICTOR,
                        "--unlisted", unlisted.id().toString(), "--check"));
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(90, TimeUnit.SECONDS), out);
                assertEquals(0, p.exitValue(), out);
                assertTrue(out.contains("check passed"), out);
                assertFalse(out.contains("FAIL"), out);
                assertTrue(out.contains("ok    get_snapshot_cam(): a JPEG"), out);
                assertTrue(out.contains("ok    get_reservations() lists it"), out);
                assertTrue(out.contains("ok    GET /deployment/{} (anonymous) of the unlisted one: 404"), out);
                // what the script did reached the robot only through the instance check, never for a read
                assertTrue(SafetyRig.borrowers(robot).stream().allMatch(r -> r.path().equals("/api/device")), robot.requests()::toString);
                assertEquals(401, Rig.Api.of(server.publicBaseUrl(), Rig.VICTOR).get("/instances").status(), "the spare token is revoked");
            }
        }
    }
}
