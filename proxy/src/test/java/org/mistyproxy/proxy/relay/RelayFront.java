package org.mistyproxy.proxy.relay;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.RobotAddress;
import org.mistyproxy.policy.Policy;
import org.mistyproxy.proxy.audit.AuditLog;

/**
 * A listener on loopback that mounts the relay directly: {@code /{instance}/...} is relayed for
 * that instance to its robot, the way the server does after resolving a proxy token.
 */
final class RelayFront implements AutoCloseable {
    record Target(String instanceId, Deployment deployment, Policy policy) {}

    /** Relay timeouts short enough for tests that wait for them: connect 1 s, first byte 1 s, idle 2 s. */
    static final RelaySettings FAST = RelaySettings.defaults()
            .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(2));

    final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final AuditLog audit;
    final HttpRelay relay;
    private final Map<String, Target> targets = new ConcurrentHashMap<>();
    private final Undertow server;
    private final int port;

    RelayFront(Path dataDir, RelaySettings settings) {
        audit = new AuditLog(dataDir, 100);
        relay = new HttpRelay(settings, audit, metrics);
        server = Undertow.builder()
                .setIoThreads(2)
                .addHttpListener(0, "127.0.0.1")
                .setHandler(ex -> {
                    String uri = ex.getRequestURI();
                    int slash = uri.indexOf('/', 1);
                    Target t = slash < 0 ? null : targets.get(uri.substring(1, slash));
                    if (t == null) {
                        ex.setStatusCode(404);
                        ex.getResponseSender().send("{\"status\":\"Failed\",\"error\":\"unknown or revoked proxy URL\"}");
                        return;
                    }
                    relay.relay(ex, t.instanceId(), t.deployment(), t.policy(), uri.substring(slash));
                })
                .build();
        server.start();
        port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    static Deployment deployment(String host, int port, List<String> corsOrigins) {
        return new Deployment(UUID.randomUUID(), "misty", "lab", "a simulated Misty", new RobotAddress(host, port),
                Optional.empty(), corsOrigins, List.of());
    }

    /** Mounts an instance; its proxy URL is {@link #url}. */
    void add(String instanceId, Deployment deployment, Policy policy) {
        targets.put(instanceId, new Target(instanceId, deployment, policy));
    }

    String url(String instanceId) {
        return "http://127.0.0.1:" + port + "/" + instanceId;
    }

    int port() {
        return port;
    }

    @Override
    public void close() {
        server.stop();
        relay.close();
        audit.close();
    }
}
