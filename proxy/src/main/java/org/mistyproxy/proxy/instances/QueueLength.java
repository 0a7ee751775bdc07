package org.mistyproxy.proxy.instances;

import java.util.UUID;

/**
 * {@code queuelen} of a deployment, the one door to it for every answer that shows it
 * ({@code GET /deployments}, {@code /deployment/{id}}, {@code /queuelen/{id}} and the {@code maxlen}
 * filter): 0 when the deployment is free and nobody waits, else 1 (the holder, or the next in line)
 * plus the reservations waiting for it. The count lives with the registry
 * ({@link Instances#queueLength}), which holds the use-queue.
 */
public final class QueueLength {
    private final Instances instances;

    public QueueLength(Instances instances) {
        this.instances = instances;
    }

    /** 0 for a deployment the configuration does not have. */
    public int of(UUID deployment) {
        return instances.deployment(deployment.toString()).map(instances::queueLength).orElse(0);
    }
}
