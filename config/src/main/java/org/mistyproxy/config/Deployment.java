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
 * @param accessRules who may instantiate it, as configured (the owner adds more through the API);
 *                    none: every configured user may
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
        List<AccessRule> accessRules) {

    public Deployment {
        corsOrigins = Origin.normalise(corsOrigins);
        cameras = List.copyOf(cameras);
        accessRules = List.copyOf(accessRules);
    }

    /** A deployment without configured access rules (open to every configured user). */
    public Deployment(UUID id, String type, String region, String description, RobotAddress robot,
            Optional<Path> policy, List<String> corsOrigins, List<Camera> cameras) {
        this(id, type, region, description, robot, policy, corsOrigins, cameras, List.of());
    }

    public Optional<Camera> camera(String cameraId) {
        return cameras.stream().filter(c -> c.id().equals(cameraId)).findFirst();
    }
}
