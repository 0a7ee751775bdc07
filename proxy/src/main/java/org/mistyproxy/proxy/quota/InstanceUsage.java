package org.mistyproxy.proxy.quota;

import java.util.concurrent.atomic.AtomicInteger;
import org.mistyproxy.config.Quotas;

/** What one instance holds now, against its deployment's {@link Quotas}. */
final class InstanceUsage {
    final Quotas quotas;
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger sockets = new AtomicInteger();
    final AtomicInteger subscriptions = new AtomicInteger();
    final RateBucket requests;
    final RateBucket wsMessages;

    InstanceUsage(Quotas quotas, long nowNanos) {
        this.quotas = quotas;
        this.requests = new RateBucket(quotas.requestsPerSecond(), quotas.burst(), nowNanos);
        this.wsMessages = new RateBucket(quotas.wsMessagesPerSecond(), quotas.wsMessagesPerSecond(), nowNanos);
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
