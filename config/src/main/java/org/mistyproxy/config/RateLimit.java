package org.mistyproxy.config;

import java.time.Duration;

/**
 * A rate written as {@code N/unit} ({@code 300/min}): at most {@code requests} per {@code period},
 * enforced as a token bucket that holds {@code requests} tokens and refills them evenly over the
 * period, so a burst of {@code requests} is allowed after a quiet period.
 */
public record RateLimit(int requests, Duration period, String text) {
    public RateLimit {
        if (requests < 1 || period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("a rate needs at least 1 request per a positive period: " + text);
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
