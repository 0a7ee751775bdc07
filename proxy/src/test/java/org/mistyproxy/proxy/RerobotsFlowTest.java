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

/** examples/rerobots_flow.py (the rerobots client API shape) against a live server and the simulator. */
class RerobotsFlowTest {
    @TempDir Path dir;

    @Test
    void pythonClientFlow() throws Exception {
        Tools.requirePythonWithRequests();
        try (Simulator robot = Simulator.start("127.0.0.1", 0)) {
            Deployment d = Rig.deployment("fixed_misty2", robot.port());
            try (ProxyServer server = ProxyServer.start(Rig.config(dir, List.of(d)), Rig.fast())) {
                Process p = new ProcessBuilder(Tools.PYTHON, Tools.repoRoot().resolve("examples/rerobots_flow.py").toString(),
                        "--base-uri", server.publicBaseUrl(), "--api-token", Rig.URSULA, "--check")
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
                assertEquals(0, p.exitValue(), out);
                assertTrue(out.contains("check passed"), out);
                assertTrue(out.contains("POST /api/reboot -> 403"), out);
                assertTrue(robot.requests().stream().noneMatch(r -> r.path().contains("reboot")), "the robot never saw the reboot");
                assertTrue(robot.requests().stream().anyMatch(r -> r.path().equals("/api/device")));
                assertEquals(List.of(), Rig.texts(Rig.Api.of(server.publicBaseUrl(), Rig.URSULA).get("/instances").json().get("workspace_instances")));
            }
        }
    }
}
