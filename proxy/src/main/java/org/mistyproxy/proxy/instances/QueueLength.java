package org.mistyproxy.proxy.instances;

import java.util.UUID;
import java.util.function.ToIntFunction;

/**
 * {@code queuelen} of a deployment, computed here and only here for every answer that shows it
 * ({@code GET /deployments}, {@code /deployment/{id}}, {@code /queuelen/{id}} and the {@code maxlen}
 * filter): 0 when the deployment is free and nobody waits, else 1
 * (the holder, or the next in line) plus the reservations waiting for it.
 */
public final class QueueLength {
    private final Instances instances;
    private final ToIntFunction<UUID> waiting;

    /**
     * @param waiting how many reservations wait for a deployment (the use-queue; {@code d -> 0}
     *                while there is none)
     */
    public QueueLength(Instances instances, ToIntFunction<UUID> waiting) {
        this.instances = instances;
        this.waiting = waiting;
    }

    public int of(UUID deployment) {
        // the use-queue's count lives with the registry (Instances.queueLength); this is the one door to it
        return instances.deployment(deployment.toString()).map(instances::queueLength).orElse(0);
    }
}
