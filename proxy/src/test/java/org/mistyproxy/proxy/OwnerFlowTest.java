package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.Listen;
import org.mistyproxy.config.MistyProxyConfig;
import org.mistyproxy.config.Role;
import org.mistyproxy.config.User;
import org.mistyproxy.proxy.access.ProxyToken;
import org.mistyproxy.proxy.server.ProxyServer;
import org.mistyproxy.sim.Simulator;

/**
 * examples/owner_flow.py (hardshare's and the rerobots client's owner-side calls, and two borrowers:
 * rules, lock-out, reserve / cancel / queue / hand-over, revoke_token and purge) against a live server.
 */
class OwnerFlowTest {
    static final String VICTOR_OTHER = "victor-second-machine-token";

    @TempDir Path dir;

    @Test
    void pythonOwnerFlow() throws Exception {
        Tools.requirePythonWithRequests();
        try (Simulator robot = Simulator.start("127.0.0.1", 0)) {
            Deployment d = Rig.deployment("fixed_misty2", robot.port());
            // victor holds two tokens, so that purge() has more than the one it is called with to revoke
            List<User> users = new ArrayList<>(Rig.users());
            users.set(2, new User("victor", Role.USER, List.of(ProxyToken.sha256Hex(Rig.VICTOR), ProxyToken.sha256Hex(VICTOR_OTHER))));
            MistyProxyConfig config = new MistyProxyConfig(dir.resolve("mistyproxy.yaml"), new Listen("127.0.0.1", 0),
                    Optional.empty(), Optional.empty(), dir, users, List.of(d));
            try (ProxyServer server = ProxyServer.start(config, Rig.fast())) {
                Process p = new ProcessBuilder(Tools.PYTHON, Tools.repoRoot().resolve("examples/owner_flow.py").toString(),
                        "--base-uri", server.publicBaseUrl(), "--owner-token", Rig.OWNER, "--first-token", Rig.URSULA,
                        "--second-token", Rig.VICTOR, "--second-other-token", VICTOR_OTHER, "--second-user", "victor",
                        "--deployment", d.id().toString(), "--check")
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
                for (String revoked : List.of(Rig.URSULA, Rig.VICTOR, VICTOR_OTHER)) {
                    Rig.Resp r = Rig.Api.of(server.publicBaseUrl(), revoked).get("/instances");
                    assertEquals(401, r.status(), "revoked by revoke_token() or purge()");
                    assertEquals("wrong authorization token", r.errorMessage());
                }
                assertEquals(200, owner.get("/instances").status(), "the owner's token is untouched");
            }
        }
    }
}
