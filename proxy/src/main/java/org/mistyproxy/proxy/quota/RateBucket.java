package org.mistyproxy.proxy.quota;

/**
 * A token bucket: {@code perSecond} tokens a second, at most {@code burst} saved up. Synchronized
 * on itself; it belongs to one instance, so only that instance's requests ever contend for it.
 */
final class RateBucket {
    private final double perNano;
    private final double burst;
    private double tokens;
    private long last;

    RateBucket(int perSecond, int burst, long nowNanos) {
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.tokens = burst;
        this.last = nowNanos;
    }

    synchronized boolean take(long nowNanos) {
        tokens = Math.min(burst, tokens + (nowNanos - last) * perNano);
        last = nowNanos;
        if (tokens < 1) return false;
        tokens -= 1;
        return true;
    }
}
