package org.mistyproxy.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * How a deployment's robot is watched between loans and during them (the {@code health} section).
 *
 * @param interval       time between two probes ({@code GET /api/battery})
 * @param timeout        how long one probe may take before it counts as failed
 * @param failuresToLock consecutive failed probes after which the robot counts as offline and,
 *                       with {@code autoLock}, the deployment is locked
 * @param autoLock       lock the deployment while the robot is unhealthy (offline, or battery below
 *                       the deployment's {@code min_battery}) and unlock it when it recovers
 * @param alertUrl       receives a JSON POST when the robot turns unhealthy and when it recovers
 */
public record Health(Duration interval, Duration timeout, int failuresToLock, boolean autoLock, Optional<URI> alertUrl) {
    public static final Health DEFAULT =
            new Health(Duration.ofSeconds(10), Duration.ofSeconds(3), 3, true, Optional.empty());
}
