package org.mistyproxy.proxy.quota;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.mistyproxy.config.Quotas;

/**
 * What one instance holds now, against its deployment's {@link Quotas}. The counters of what is
 * held outlive a change of the quotas (a live reload): what is open stays counted and is given back
 * to the same counters; the bounds and the rate buckets follow the configuration in force.
 */
final class InstanceUsage {
    /** The bounds in force and the rate buckets made for them. */
    record Limits(Quotas quotas, RateBucket requests, RateBucket wsMessages) {
        static Limits of(Quotas q, long nowNanos) {
            return new Limits(q, new RateBucket(q.requestsPerSecond(), q.burst(), nowNanos),
                    new RateBucket(q.wsMessagesPerSecond(), q.wsMessagesPerSecond(), nowNanos));
        }
    }

    final UUID deployment;
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger sockets = new AtomicInteger();
    final AtomicInteger subscriptions = new AtomicInteger();
    private volatile Limits limits;

    InstanceUsage(UUID deployment, Quotas quotas, long nowNanos) {
        this.deployment = deployment;
        this.limits = Limits.of(quotas, nowNanos);
    }

    Limits limits() {
        return limits;
    }

    /**
     * The limits for {@code quotas} (the deployment's as the caller sees them now); new buckets only
     * when the quotas really changed, so a reload that leaves them alone resets no rate.
     */
    Limits limits(Quotas quotas) {
        Limits l = limits;
        if (l.quotas() == quotas || l.quotas().equals(quotas)) return l;
        synchronized (this) {
            if (!limits.quotas().equals(quotas)) limits = Limits.of(quotas, System.nanoTime());
            return limits;
        }
    }

    /** Takes one of {@code limit} if one is free. */
    static boolean take(AtomicInteger used, int limit) {
        while (true) {
            int n = used.get();
            if (n >= limit) return false;
            if (used.compareAndSet(n, n + 1)) return true;
        }
    }
}
