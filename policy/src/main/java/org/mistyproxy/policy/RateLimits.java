package org.mistyproxy.policy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Token buckets per instance and rule. Buckets live in a bounded Caffeine cache that forgets a
 * bucket once it has been idle long enough to be full again, so forgetting never grants a
 * borrower more than a fresh (full) bucket would, and memory stays bounded however many
 * instances come and go.
 */
final class RateLimits {
    private static final long MAX_BUCKETS = 100_000;

    private record Key(String instanceId, int rule) {}

    private final Cache<Key, TokenBucket> buckets;
    private final LongSupplier clock;

    RateLimits(long longestRefillNanos, LongSupplier clock) {
        this.clock = clock;
        this.buckets = Caffeine.newBuilder()
                .maximumSize(MAX_BUCKETS)
                .expireAfterAccess(Duration.ofNanos(Math.max(longestRefillNanos, 1_000_000_000L)))
                .ticker(clock::getAsLong)
                .executor(Runnable::run)
                .build();
    }

    /** Takes one token from this instance's bucket for the rule; false means over the rate. */
    boolean tryTake(String instanceId, Rule rule) {
        Rule.Rate rate = rule.rate;
        TokenBucket bucket = buckets.get(new Key(instanceId == null ? "" : instanceId, rule.index),
                k -> new TokenBucket(rate.count(), (double) rate.count() / rate.periodNanos(), clock));
        return bucket.tryTake();
    }
}
