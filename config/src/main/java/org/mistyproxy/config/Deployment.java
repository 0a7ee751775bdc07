package org.mistyproxy.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One robot that can be lent, with the cameras that watch it.
 *
 * @param policy      the policy file; absent means the shipped {@code misty-safe.yaml}
 * @param corsOrigins origins allowed to call proxy URLs from a browser; {@code ["*"]} by default.
 *                    Kept in {@link Origin}'s one form (normalised here, once), so whoever checks
 *                    a request's {@code Origin} compares two normal forms.
 * @param cameraFeedsPerInstance live camera feeds one instance may hold open at once (at most half
 *                    of the server's {@code camera_feeds_max})
 * @param accessRules who may instantiate it, as configured (the owner adds more through the API);
 *                    none: every configured user may
 * @param listed      false hides the deployment from every caller who may not instantiate it
 *                    (anonymous searches included), as if it did not exist
 */
public record Deployment(
        UUID id,
        String type,
        String region,
        String description,
        RobotAddress robot,
        Optional<Path> policy,
        List<String> corsOrigins,
        List<Camera> cameras,
        int cameraFeedsPerInstance,
        List<AccessRule> accessRules,
        boolean listed) {

    /** Default of {@code camera_feeds_per_instance}; config/README.md says why. */
    public static final int DEFAULT_CAMERA_FEEDS_PER_INSTANCE = 8;

    /** With the default {@code camera_feeds_per_instance} and no access rules. */
    public Deployment(UUID id, String type, String region, String description, RobotAddress robot,
            Optional<Path> policy, List<String> corsOrigins, List<Camera> cameras) {
        this(id, type, region, description, robot, policy, corsOrigins, cameras, DEFAULT_CAMERA_FEEDS_PER_INSTANCE);
    }

    /** Without configured access rules (open to every configured user). */
    public Deployment(UUID id, String type, String region, String description, RobotAddress robot,
            Optional<Path> policy, List<String> corsOrigins, List<Camera> cameras, int cameraFeedsPerInstance) {
        this(id, type, region, description, robot, policy, corsOrigins, cameras, cameraFeedsPerInstance, List.of());
    }

    /** Listed (the default). */
    public Deployment(UUID id, String type, String region, String description, RobotAddress robot,
            Optional<Path> policy, List<String> corsOrigins, List<Camera> cameras, int cameraFeedsPerInstance,
            List<AccessRule> accessRules) {
        this(id, type, region, description, robot, policy, corsOrigins, cameras, cameraFeedsPerInstance, accessRules, true);
    }

    /** With the default {@code camera_feeds_per_instance} and no access rules. */
    public Deployment(UUID id, String type, String region, String description, RobotAddress robot,
            Optional<Path> policy, List<String> corsOrigins, List<Camera> cameras, boolean listed) {
        this(id, type, region, description, robot, policy, corsOrigins, cameras, DEFAULT_CAMERA_FEEDS_PER_INSTANCE, List.of(),
                listed);
    }

    public Deployment {
        corsOrigins = Origin.normalise(corsOrigins);
        cameras = List.copyOf(cameras);
        accessRules = List.copyOf(accessRules);
    }

    /**
     * The camera a URL names: by its configured id, or by its position {@code 0, 1, ...} in the
     * configuration (the rerobots client asks for camera {@code 0}). The loader refuses numeric ids
     * other than the camera's own position, so the two ways can never name different cameras.
     */
    public Optional<Camera> camera(String cameraId) {
        Optional<Camera> byId = cameras.stream().filter(c -> c.id().equals(cameraId)).findFirst();
        if (byId.isPresent() || !Camera.isIndex(cameraId)) {
            return byId;
        }
        int i = Integer.parseInt(cameraId);
        return i < cameras.size() ? Optional.of(cameras.get(i)) : Optional.empty();
    }

    /** The camera's position in the configuration, -1 if it is not one of this deployment's. */
    public int cameraIndex(Camera camera) {
        return cameras.indexOf(camera);
    }
}
