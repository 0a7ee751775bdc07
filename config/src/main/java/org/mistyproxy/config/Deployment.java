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
 */
public record Deployment(
        UUID id,
        String type,
        String region,
        String description,
        RobotAddress robot,
        Optional<Path> policy,
        List<String> corsOrigins,
        List<Camera> cameras) {

    public Deployment {
        corsOrigins = Origin.normalise(corsOrigins);
        cameras = List.copyOf(cameras);
    }

    public Optional<Camera> camera(String cameraId) {
        return cameras.stream().filter(c -> c.id().equals(cameraId)).findFirst();
    }
}
