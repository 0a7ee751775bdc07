package org.mistyproxy.policy;

import java.util.function.LongSupplier;

/** A token bucket: holds up to {@code capacity} tokens, refilled continuously. Starts full. */
final class TokenBucket {
    private final double capacity;
    private final double perNano;
    private final LongSupplier clock;
    private double tokens;
    private long last;

    TokenBucket(long capacity, double tokensPerNano, LongSupplier clock) {
        this.capacity = capacity;
        this.perNano = tokensPerNano;
        this.clock = clock;
        this.tokens = capacity;
        this.last = clock.getAsLong();
    }

    /** Takes one token if there is one. */
    synchronized boolean tryTake() {
        long now = clock.getAsLong();
        long elapsed = now - last;
        if (elapsed > 0) {
            tokens = Math.min(capacity, tokens + elapsed * perNano);
            last = now;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }
}
