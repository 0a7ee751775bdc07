package org.mistyproxy.proxy.quota;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.ServerConnection;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.Quotas;
import org.mistyproxy.proxy.audit.AuditEntry;
import org.mistyproxy.proxy.audit.AuditLog;
import org.mistyproxy.proxy.gate.MistyEnvelope;

/**
 * Per-instance quotas, the admission step after the policy's own checks and before the relays:
 * what one borrower may hold at once (client connections, requests to the robot in flight,
 * {@code /pubsub} sockets, subscriptions summed over its sockets) and how fast it may send
 * (requests per second, every verb and rule, and WebSocket messages per second summed over its
 * sockets). Bounds come from the deployment's {@code quotas}. A refusal names the quota, is audited,
 * and touches only the instance that went over: each instance has its own counters.
 *
 * <p>Two entry points: {@link #admitHttp} (the admission link {@link QuotaLink}, before the HTTP
 * relay) and {@link #admitSocket} (one call in the WebSocket relay, before a {@code /pubsub} upgrade). Both run on the IO thread, lock-free except a
 * per-instance rate bucket.
 */
public final class InstanceQuotas {
    private static final AttachmentKey<Set<String>> COUNTED = AttachmentKey.create(Set.class);

    private final ConcurrentHashMap<String, InstanceUsage> usage = new ConcurrentHashMap<>();
    private final AuditLog audit;
    private final MeterRegistry metrics;
    private final ConcurrentHashMap<String, Counter> refusals = new ConcurrentHashMap<>();

    public InstanceQuotas(AuditLog audit, MeterRegistry metrics) {
        this.audit = audit;
        this.metrics = metrics;
    }

    private InstanceUsage of(String instanceId, Deployment d) {
        InstanceUsage u = usage.get(instanceId);
        return u != null ? u : usage.computeIfAbsent(instanceId, k -> new InstanceUsage(d.id(), d.quotas(), System.nanoTime()));
    }

    /**
     * Admits one proxied HTTP request of {@code instanceId}, or answers it (429 for a rate, 503 for
     * a concurrency bound, with {@code Retry-After}) and returns false. What it holds is given back
     * when the exchange (or, for connections, the connection) ends.
     */
    public boolean admitHttp(HttpServerExchange ex, String instanceId, Deployment d, String rawPath) {
        InstanceUsage u = of(instanceId, d);
        InstanceUsage.Limits l = u.limits(d.quotas());
        if (!l.requests().take(System.nanoTime())) {
            return refuse(ex, d, instanceId, rawPath, 429, "requests_per_second", "more than " + l.quotas().requestsPerSecond()
                    + " requests per second (burst " + l.quotas().burst() + ") on this instance");
        }
        ServerConnection conn = ex.getConnection();
        Set<String> counted = conn.getAttachment(COUNTED);
        if (counted == null) {
            counted = new HashSet<>(2); // a connection's exchanges all run on its own IO thread
            conn.putAttachment(COUNTED, counted);
        }
        if (!counted.contains(instanceId)) {
            if (!InstanceUsage.take(u.connections, l.quotas().connections())) {
                return refuse(ex, d, instanceId, rawPath, 503, "connections", "this instance has " + l.quotas().connections()
                        + " client connections open already (the limit)");
            }
            counted.add(instanceId);
            conn.addCloseListener(c -> u.connections.decrementAndGet());
        }
        if (!InstanceUsage.take(u.inFlight, l.quotas().inFlight())) {
            return refuse(ex, d, instanceId, rawPath, 503, "in_flight", "this instance has " + l.quotas().inFlight()
                    + " requests to the robot unanswered already (the limit)");
        }
        ex.addExchangeCompleteListener((e, next) -> {
            u.inFlight.decrementAndGet();
            next.proceed();
        });
        return true;
    }

    /**
     * Admits one {@code /pubsub} socket of {@code instanceId}: its {@link SocketQuota}, which the
     * socket must {@link SocketQuota#close} when it ends; or null when the instance has as many
     * sockets as it may (the caller answers 503 with {@link #socketRefusal}).
     */
    public SocketQuota admitSocket(String instanceId, Deployment d) {
        InstanceUsage u = of(instanceId, d);
        if (!InstanceUsage.take(u.sockets, u.limits(d.quotas()).quotas().pubsubSockets())) {
            count("pubsub_sockets");
            return null;
        }
        return new SocketQuota(u);
    }

    /** Why {@link #admitSocket} said no. */
    public static String socketRefusal(Deployment d) {
        return "quota pubsub_sockets: this instance has " + d.quotas().pubsubSockets() + " /pubsub sockets open already (the limit)";
    }

    /**
     * A reload changed the configuration: every live instance's bounds follow its deployment's
     * quotas now, open {@code /pubsub} sockets included (they read them per message).
     */
    public void reconfigure(Collection<Deployment> deployments) {
        Map<UUID, Quotas> byId = new HashMap<>();
        for (Deployment d : deployments) byId.put(d.id(), d.quotas());
        for (InstanceUsage u : usage.values()) {
            Quotas q = byId.get(u.deployment);
            if (q != null) u.limits(q);
        }
    }

    /** The loan ended: its counters go (whatever is still open gives back to a discarded object). */
    public void forget(String instanceId) {
        usage.remove(instanceId);
    }

    /** Instances with counters now (for tests and status). */
    public int instancesTracked() {
        return usage.size();
    }

    private boolean refuse(HttpServerExchange ex, Deployment d, String instanceId, String rawPath, int status, String quota, String why) {
        count(quota);
        String reason = "quota " + quota + ": " + why;
        InetSocketAddress a = ex.getSourceAddress();
        audit.record(new AuditEntry(Instant.now(), instanceId, a == null || a.getAddress() == null ? "unknown" : a.getAddress().getHostAddress(),
                "http", ex.getRequestMethod().toString(), rawPath, false, "quota " + quota, reason, status, 0, 0, null));
        ex.getResponseHeaders().put(Headers.RETRY_AFTER, "1");
        MistyEnvelope.send(ex, d.corsOrigins(), status, reason); // with the CORS headers, so a browser app can read why
        return false;
    }

    private void count(String quota) {
        refusals.computeIfAbsent(quota, q -> Counter.builder("mistyproxy.quota.refusals")
                .description("Requests, sockets and messages refused by a per-instance quota")
                .tag("quota", q).register(metrics)).increment();
    }

}
