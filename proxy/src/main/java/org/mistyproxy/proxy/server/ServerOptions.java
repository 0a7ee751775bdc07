package org.mistyproxy.proxy.server;

import java.time.Clock;
import java.time.Duration;

/**
 * Settings that are not in the configuration file because only tests and the CLI change them.
 *
 * @param initTimeout   how long {@code INIT} waits for the robot's {@code GET /api/device}
 * @param shutdownGrace how long a graceful shutdown waits for in-flight requests
 * @param clock         the time source for start/end times and {@code expire_d}
 */
public record ServerOptions(Duration initTimeout, Duration shutdownGrace, Clock clock) {

    public static ServerOptions defaults() {
        return new ServerOptions(Duration.ofSeconds(5), Duration.ofSeconds(10), Clock.systemUTC());
    }

    public ServerOptions withInitTimeout(Duration d) {
        return new ServerOptions(d, shutdownGrace, clock);
    }

    public ServerOptions withShutdownGrace(Duration d) {
        return new ServerOptions(initTimeout, d, clock);
    }
}
