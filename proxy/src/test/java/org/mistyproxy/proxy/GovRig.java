package org.mistyproxy.proxy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.Listen;
import org.mistyproxy.config.MistyProxyConfig;
import org.mistyproxy.config.Role;
import org.mistyproxy.config.User;
import org.mistyproxy.proxy.access.ProxyToken;
import org.mistyproxy.sim.Simulator;

/** Configurations with a fourth user (wendy), for tests where three borrowers and an owner take part. */
final class GovRig {
    static final String WENDY = "wendy-secret-token";

    private GovRig() {}

    static MistyProxyConfig config(Path dataDir, List<Deployment> deployments) {
        List<User> users = new ArrayList<>(Rig.users());
        users.add(new User("wendy", Role.USER, ProxyToken.sha256Hex(WENDY)));
        return new MistyProxyConfig(dataDir.resolve("mistyproxy.yaml"), new Listen("127.0.0.1", 0), Optional.empty(), Optional.empty(),
                dataDir, users, deployments);
    }

    /** How many times the robot was asked for {@code path} (INIT asks {@code /api/device} once per new instance). */
    static long hits(Simulator robot, String path) {
        return robot.requests().stream().filter(r -> r.path().equals(path)).count();
    }
}
