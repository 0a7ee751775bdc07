package org.mistyproxy.proxy.cam;

import java.util.HashMap;
import java.util.Map;

/**
 * Counts open feeds per instance and on the whole server. An instance may hold at most its
 * deployment's {@code camera_feeds_per_instance}, which the config loader keeps at most half of
 * {@code camera_feeds_max}: one instance can never take every feed of the server.
 */
final class FeedQuota {

    /**
     * Why a feed was refused.
     *
     * @param quota      the configuration field that set the bound
     * @param httpStatus for an MJPEG request
     * @param closeCode  for a WebSocket: 1008 (policy) for the instance's own quota, 1013 (try
     *                   again later) when the server is full
     * @param message    for the client; fits a WebSocket close reason (123 bytes)
     */
    record Refusal(String quota, int httpStatus, int closeCode, String message) {}

    private final int serverMax;
    // Guarded by this.
    private final Map<String, Integer> perInstance = new HashMap<>();
    private int total;

    FeedQuota(int serverMax) {
        this.serverMax = serverMax;
    }

    /** Takes a feed for the instance, or says which bound refuses it. */
    synchronized Refusal acquire(String instanceId, int instanceMax) {
        int mine = perInstance.getOrDefault(instanceId, 0);
        if (mine >= instanceMax) {
            return new Refusal("camera_feeds_per_instance", 429, 1008,
                    "quota camera_feeds_per_instance: this instance already has " + mine + " of its " + instanceMax
                            + " feeds open");
        }
        if (total >= serverMax) {
            return new Refusal("camera_feeds_max", 503, 1013,
                    "quota camera_feeds_max: all " + serverMax + " camera feeds of the server are in use; try later");
        }
        perInstance.put(instanceId, mine + 1);
        total++;
        return null;
    }

    synchronized void release(String instanceId) {
        Integer mine = perInstance.get(instanceId);
        if (mine == null) {
            return;
        }
        if (mine <= 1) {
            perInstance.remove(instanceId);
        } else {
            perInstance.put(instanceId, mine - 1);
        }
        total--;
    }

    synchronized int open(String instanceId) {
        return perInstance.getOrDefault(instanceId, 0);
    }
}
