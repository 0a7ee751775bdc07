package org.mistyproxy.policy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Token buckets by key: {@code count} requests per period for each key, bursts up to
 * {@code count}. Buckets live in a bounded Caffeine cache that forgets a bucket once it has been
 * idle long enough to be full again, so forgetting never grants more than a fresh (full) bucket
 * would, and memory stays bounded however many keys come and go. A policy's {@code rate:} rules
 * keep theirs here (per instance and rule), and so does the control API (per API token).
 *
 * @param <K> what a bucket belongs to
 */
public final class RateBuckets<K> {
    /**
     * The outcome of one {@link #take}: whether a token was taken, the whole tokens left, and the
     * nanoseconds until the next token and until the bucket is full again.
     */
    public record Take(boolean taken, long remaining, long nanosToNext, long nanosToFull) {}

    private final Cache<K, TokenBucket> buckets;
    private final LongSupplier clock;

    /**
     * @param maxKeys            how many buckets are kept at most (the least recently used go first)
     * @param longestRefillNanos the longest period any bucket here refills over
     * @param clock              nanoseconds, as {@link System#nanoTime}
     */
    public RateBuckets(long maxKeys, long longestRefillNanos, LongSupplier clock) {
        this.clock = clock;
        this.buckets = Caffeine.newBuilder()
                .maximumSize(maxKeys)
                .expireAfterAccess(Duration.ofNanos(Math.max(longestRefillNanos, 1_000_000_000L)))
                .ticker(clock::getAsLong)
                .executor(Runnable::run)
                .build();
    }

    /** Takes one token from the key's bucket of {@code count} per {@code periodNanos}; false means over the rate. */
    public boolean tryTake(K key, long count, long periodNanos) {
        return bucket(key, count, periodNanos).tryTake();
    }

    /** As {@link #tryTake}, also saying what is left, for callers that show it (rate-limit headers). */
    public Take take(K key, long count, long periodNanos) {
        return bucket(key, count, periodNanos).take();
    }

    private TokenBucket bucket(K key, long count, long periodNanos) {
        return buckets.get(key, k -> new TokenBucket(count, (double) count / periodNanos, clock));
    }
}
