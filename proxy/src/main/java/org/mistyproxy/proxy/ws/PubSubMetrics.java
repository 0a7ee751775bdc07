package org.mistyproxy.proxy.ws;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** The relay's meters, registered once in the server's shared registry. */
final class PubSubMetrics {
    final AtomicInteger openSockets = new AtomicInteger();
    final AtomicInteger robotSockets = new AtomicInteger();
    final AtomicLong queuedBytes = new AtomicLong();
    final Counter toRobot;
    final Counter toClient;
    final Counter refused;
    final Counter dropped;
    final Counter slowClientsClosed;
    final Counter silentClientsClosed;
    final Counter robotUnreachable;
    final Counter originRefused;

    PubSubMetrics(MeterRegistry registry) {
        Gauge.builder("mistyproxy.ws.sockets.open", openSockets, AtomicInteger::get)
                .description("open /pubsub client sockets")
                .register(registry);
        Gauge.builder("mistyproxy.ws.robot.sockets.open", robotSockets, AtomicInteger::get)
                .description("open /pubsub sockets to robots (one per client socket)")
                .register(registry);
        Gauge.builder("mistyproxy.ws.queued.bytes", queuedBytes, AtomicLong::get)
                .description("bytes waiting to be sent to /pubsub clients, all connections")
                .register(registry);
        toRobot = messages(registry, "client_to_robot");
        toClient = messages(registry, "robot_to_client");
        refused = Counter.builder("mistyproxy.ws.messages.refused")
                .description("client messages the policy refused (not forwarded)")
                .register(registry);
        dropped = Counter.builder("mistyproxy.ws.events.dropped")
                .description("periodic robot events dropped because a client read too slowly")
                .register(registry);
        slowClientsClosed = Counter.builder("mistyproxy.ws.clients.closed.slow")
                .description("clients closed with 1008 because they stopped reading")
                .register(registry);
        silentClientsClosed = Counter.builder("mistyproxy.ws.clients.closed.silent")
                .description("clients closed because they answered no ping while the robot moved (its motion was stopped)")
                .register(registry);
        robotUnreachable = Counter.builder("mistyproxy.ws.upgrades.failed")
                .tag("reason", "robot_unreachable")
                .description("upgrades answered 502 because the robot's /pubsub could not be reached")
                .register(registry);
        originRefused = Counter.builder("mistyproxy.ws.upgrades.failed")
                .tag("reason", "origin")
                .description("upgrades answered 403 because the Origin is not in cors_origins")
                .register(registry);
    }

    private static Counter messages(MeterRegistry registry, String direction) {
        return Counter.builder("mistyproxy.ws.messages")
                .tag("direction", direction)
                .description("WebSocket messages relayed")
                .register(registry);
    }
}
