package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.proxy.server.ProxyServer;
import org.mistyproxy.sim.Simulator;

/** examples/owner_flow.py (hardshare's and the rerobots client's owner-side calls, and two borrowers) against a live server. */
class OwnerFlowTest {
    @TempDir Path dir;

    @Test
    void pythonOwnerFlow() throws Exception {
        Tools.requirePythonWithRequests();
        try (Simulator robot = Simulator.start("127.0.0.1", 0)) {
            Deployment d = Rig.deployment("fixed_misty2", robot.port());
            try (ProxyServer server = ProxyServer.start(Rig.config(dir, List.of(d)), Rig.fast())) {
                Process p = new ProcessBuilder(Tools.PYTHON, Tools.repoRoot().resolve("examples/owner_flow.py").toString(),
                        "--base-uri", server.publicBaseUrl(), "--owner-token", Rig.OWNER, "--first-token", Rig.URSULA,
                        "--second-token", Rig.VICTOR, "--second-user", "victor", "--deployment", d.id().toString(), "--check")
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(90, TimeUnit.SECONDS), out);
                assertEquals(0, p.exitValue(), out);
                assertTrue(out.contains("check passed"), out);
                assertTrue(out.contains("refused: deployment " + d.id() + " may not be instantiated by victor: refused by access rule 2"), out);
                assertEquals(2, robot.requests().stream().filter(r -> r.path().equals("/api/device")).count(),
                        "two instances were made (the refused request never reached the robot)");
                Rig.Api owner = Rig.Api.of(server.publicBaseUrl(), Rig.OWNER);
                assertEquals(0, owner.get("/rules").json().get("rules").size(), "the script cleaned up after itself");
            }
        }
    }
}
