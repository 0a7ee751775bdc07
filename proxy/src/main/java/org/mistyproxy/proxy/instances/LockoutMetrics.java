package org.mistyproxy.proxy.instances;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.mistyproxy.config.Deployment;

/**
 * {@code mistyproxy_deployment_locked{deployment, by}} in {@code /metrics}: 1 while the deployment
 * is locked out by its owner ({@code by="owner"}) or by the robot-health check ({@code by="health"},
 * {@link Lockouts.By#AUTO}), else 0; both series exist for every configured deployment, so an
 * alert can tell "unlocked" from "not scraped". The {@code by} values are those of
 * {@code lockout_by} in deployment info. Follows the configuration on reload ({@link #track}).
 */
public final class LockoutMetrics {
    private final Lockouts lockouts;
    private final MeterRegistry metrics;
    private final Map<UUID, List<Meter>> meters = new HashMap<>();

    public LockoutMetrics(Lockouts lockouts, MeterRegistry metrics) {
        this.lockouts = lockouts;
        this.metrics = metrics;
    }

    /** Exactly these deployments have the gauges: new ones get them, removed ones lose them. */
    public synchronized void track(Collection<Deployment> deployments) {
        Set<UUID> keep = new HashSet<>();
        for (Deployment d : deployments) {
            keep.add(d.id());
            meters.computeIfAbsent(d.id(), id -> List.of(gauge(id, Lockouts.By.OWNER, "owner"), gauge(id, Lockouts.By.AUTO, "health")));
        }
        for (UUID id : new ArrayList<>(meters.keySet())) {
            if (!keep.contains(id)) meters.remove(id).forEach(metrics::remove);
        }
    }

    private Meter gauge(UUID deployment, Lockouts.By by, String label) {
        return Gauge.builder("mistyproxy.deployment.locked", lockouts, l -> l.locked(deployment, by) ? 1 : 0)
                .tag("deployment", deployment.toString()).tag("by", label)
                .description("1 while the deployment is locked out, by its owner or by the robot-health check")
                .register(metrics);
    }
}
