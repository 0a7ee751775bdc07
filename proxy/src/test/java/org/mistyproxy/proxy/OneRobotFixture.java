package org.mistyproxy.proxy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.MistyProxyConfig;
import org.mistyproxy.sim.Simulator;

/**
 * What several server tests start from: one simulated Misty, one deployment of it with a synthetic
 * camera {@code front}, and a configuration in a fresh data folder. Each test starts (and restarts)
 * its own servers from {@link #config}.
 */
abstract class OneRobotFixture {
    @TempDir Path dir;
    Simulator robot;
    Deployment misty;
    MistyProxyConfig config;

    @BeforeEach
    void startRobot() {
        robot = Simulator.start("127.0.0.1", 0);
        misty = Rig.deployment("fixed_misty2", robot.port(), Rig.synthetic("front"));
        config = Rig.config(dir, List.of(misty));
    }

    @AfterEach
    void stopRobot() {
        robot.close();
    }
}
