package org.mistyproxy.proxy.ws;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.Undertow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.RobotAddress;
import org.mistyproxy.policy.Policy;
import org.mistyproxy.proxy.audit.AuditLog;
import org.mistyproxy.sim.Simulator;

/**
 * A simulator as the robot and an Undertow listener that mounts {@link PubSubRelay} directly at
 * {@code /<instance id>/pubsub}, the way the server does after resolving a proxy token.
 */
final class RelayFixture implements AutoCloseable {
    final Simulator robot;
    final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final AuditLog audit;
    final PubSubRelay relay;
    final Deployment deployment;
    final Policy policy;
    private final Path dataDir;
    private final Undertow server;
    private final int port;

    RelayFixture(PubSubSettings settings, Policy policy, List<String> corsOrigins) {
        this.robot = Simulator.start("127.0.0.1", 0);
        this.policy = policy;
        try {
            dataDir = Files.createTempDirectory("pubsub-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        audit = new AuditLog(dataDir, 200);
        relay = new PubSubRelay(settings, metrics, audit);
        deployment = new Deployment(UUID.randomUUID(), "misty2", "lab", "test robot",
                new RobotAddress("127.0.0.1", robot.port()), Optional.empty(), corsOrigins, List.of());
        server = Undertow.builder()
                .addHttpListener(0, "127.0.0.1")
                .setHandler(exchange -> {
                    String path = exchange.getRequestPath();
                    int slash = path.indexOf('/', 1);
                    if (slash < 0 || !path.substring(slash).equals("/pubsub")) {
                        exchange.setStatusCode(404).endExchange();
                        return;
                    }
                    relay.handle(exchange, path.substring(1, slash), deployment, () -> policy);
                })
                .build();
        server.start();
        port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    RelayFixture(PubSubSettings settings, Policy policy) {
        this(settings, policy, List.of("*"));
    }

    int port() {
        return port;
    }

    /** The proxy URL prefix of an instance, as a borrower gets it. */
    String proxyUrl(String instanceId) {
        return "http://127.0.0.1:" + port + "/" + instanceId;
    }

    String pubsubUri(String instanceId) {
        return "ws://127.0.0.1:" + port + "/" + instanceId + "/pubsub";
    }

    /** The value of one Prometheus sample, e.g. {@code mistyproxy_ws_messages_refused_total}; 0 if absent. */
    double metric(String sample) {
        return metrics.scrape().lines()
                .filter(l -> l.startsWith(sample + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElse(0);
    }

    /** The robot-side messages the simulator received, as text. */
    List<String> robotSaw() {
        return robot.requests().stream()
                .filter(r -> r.kind().equals("ws"))
                .map(r -> r.bodyText().orElse("<binary>"))
                .toList();
    }

    /** The /pubsub sockets the simulator itself has open (its GET /_sim/state). */
    int robotOpenSockets() {
        return robotOpenSockets(robot);
    }

    static int robotOpenSockets(Simulator robot) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(robot.stateJson())
                    .path("pubsub").path("openSockets").asInt(-1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void await(String what, long millis, BooleanSupplier condition) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + millis + " ms waiting for " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    @Override
    public void close() {
        relay.close();
        server.stop();
        robot.close();
        audit.close();
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // temp folder left behind
        }
    }
}
