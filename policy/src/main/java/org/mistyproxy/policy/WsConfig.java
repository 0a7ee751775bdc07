package org.mistyproxy.policy;

import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The parsed {@code websocket:} section.
 *
 * @param operations        allowed Operation values, lower case
 * @param allowedTypes      event Types a subscribe may name (lower case); {@code null} means any
 * @param blockedTypes      event Types refused even if allowed (lower case)
 * @param typeSpelling      lower-case Type to the spelling in the policy, for the canonical message
 * @param minDebounceMs     the smallest DebounceMs forwarded; the robot's default (absent) is 250
 * @param clampDebounce     true: raise a smaller DebounceMs to the minimum; false: refuse it
 * @param maxSubscriptions  open subscriptions per connection
 * @param maxMessageBytes   largest client message (UTF-8 bytes); larger closes the connection
 * @param messagesPerSecond client messages per second per connection (bucket of the same size)
 * @param label             e.g. {@code websocket, misty-safe.yaml:120}
 */
record WsConfig(
        boolean enabled,
        String disabledReason,
        Set<String> operations,
        Set<String> allowedTypes,
        Set<String> blockedTypes,
        Map<String, String> typeSpelling,
        long minDebounceMs,
        boolean clampDebounce,
        int maxSubscriptions,
        int maxMessageBytes,
        double messagesPerSecond,
        String label,
        LongSupplier clock,
        LenientJson json) {

    /** The robot's DebounceMs when a subscribe leaves it out. */
    static final long ROBOT_DEFAULT_DEBOUNCE_MS = 250;
}
