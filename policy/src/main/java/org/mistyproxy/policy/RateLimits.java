package org.mistyproxy.policy;

import java.util.function.LongSupplier;

/** The token buckets of a policy's {@code rate:} rules: one per instance and rule (see {@link RateBuckets}). */
final class RateLimits {
    private static final long MAX_BUCKETS = 100_000;

    private record Key(String instanceId, int rule) {}

    private final RateBuckets<Key> buckets;

    RateLimits(long longestRefillNanos, LongSupplier clock) {
        this.buckets = new RateBuckets<>(MAX_BUCKETS, longestRefillNanos, clock);
    }

    /** Takes one token from this instance's bucket for the rule; false means over the rate. */
    boolean tryTake(String instanceId, Rule rule) {
        Rule.Rate rate = rule.rate;
        return buckets.tryTake(new Key(instanceId == null ? "" : instanceId, rule.index), rate.count(), rate.periodNanos());
    }
}
