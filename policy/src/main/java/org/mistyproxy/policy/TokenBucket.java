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
        refill();
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** Takes one token if there is one, and says what is left (for rate-limit headers). */
    synchronized RateBuckets.Take take() {
        boolean taken = tryTake();
        long toFull = (long) Math.ceil((capacity - tokens) / perNano);
        long toNext = tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / perNano);
        return new RateBuckets.Take(taken, (long) Math.floor(tokens), toNext, toFull);
    }

    private void refill() {
        long now = clock.getAsLong();
        long elapsed = now - last;
        if (elapsed > 0) {
            tokens = Math.min(capacity, tokens + elapsed * perNano);
            last = now;
        }
    }
}
