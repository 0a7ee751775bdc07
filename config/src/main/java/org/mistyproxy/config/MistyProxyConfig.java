package org.mistyproxy.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The whole, validated configuration of one mistyproxy server. Built only by {@link ConfigLoader};
 * every path in it is already absolute (resolved against the config file's folder).
 *
 * @param source         the file this was loaded from
 * @param listen         where the server listens
 * @param publicBaseUrl  the base of the URLs handed to users (e.g. behind a TLS terminator);
 *                       when absent, derived from {@code listen} and {@code tls}
 * @param tls            the listener's certificate; absent means plain HTTP
 * @param dataDir        where instances, add-on states and tokens are persisted
 * @param users          who may call the control API
 * @param deployments    the robots (with their cameras) that can be lent
 * @param cameraFeedsMax live camera feeds (MJPEG or WebSocket viewers) the whole server keeps open
 *                       at once; see {@code config/README.md} for the default
 * @param logs           where the access and audit logs go and how they rotate
 * @param retentionDays  how long a terminated instance stays listed before it is forgotten
 * @param controlApi     how the control API treats its callers (rate limit)
 */
public record MistyProxyConfig(
        Path source,
        Listen listen,
        Optional<URI> publicBaseUrl,
        Optional<Tls> tls,
        Path dataDir,
        List<User> users,
        List<Deployment> deployments,
        int cameraFeedsMax,
        Logs logs,
        int retentionDays,
        ControlApiSettings controlApi) {

    /** Default of {@code camera_feeds_max}; config/README.md says why. */
    public static final int DEFAULT_CAMERA_FEEDS_MAX = 1000;

    /** With the default {@code camera_feeds_max}, logs in the data folder and the default retention. */
    public MistyProxyConfig(Path source, Listen listen, Optional<URI> publicBaseUrl, Optional<Tls> tls, Path dataDir,
            List<User> users, List<Deployment> deployments) {
        this(source, listen, publicBaseUrl, tls, dataDir, users, deployments, DEFAULT_CAMERA_FEEDS_MAX);
    }

    /** With logs in the data folder and the default retention. */
    public MistyProxyConfig(Path source, Listen listen, Optional<URI> publicBaseUrl, Optional<Tls> tls, Path dataDir,
            List<User> users, List<Deployment> deployments, int cameraFeedsMax) {
        this(source, listen, publicBaseUrl, tls, dataDir, users, deployments, cameraFeedsMax, Logs.in(dataDir),
                DEFAULT_RETENTION_DAYS, ControlApiSettings.DEFAULTS);
    }

    public MistyProxyConfig {
        users = List.copyOf(users);
        deployments = List.copyOf(deployments);
        java.util.Objects.requireNonNull(logs, "logs");
        java.util.Objects.requireNonNull(controlApi, "controlApi");
        if (retentionDays < 1) throw new IllegalArgumentException("retentionDays must be at least 1");
    }

    public static final int DEFAULT_RETENTION_DAYS = 7;

    public MistyProxyConfig withDeployments(List<Deployment> d) {
        return new MistyProxyConfig(source, listen, publicBaseUrl, tls, dataDir, users, d, cameraFeedsMax, logs, retentionDays, controlApi);
    }

    public MistyProxyConfig withLogs(Logs l) {
        return new MistyProxyConfig(source, listen, publicBaseUrl, tls, dataDir, users, deployments, cameraFeedsMax, l, retentionDays, controlApi);
    }

    public MistyProxyConfig withRetentionDays(int days) {
        return new MistyProxyConfig(source, listen, publicBaseUrl, tls, dataDir, users, deployments, cameraFeedsMax, logs, days, controlApi);
    }

    public MistyProxyConfig withControlApi(ControlApiSettings settings) {
        return new MistyProxyConfig(source, listen, publicBaseUrl, tls, dataDir, users, deployments, cameraFeedsMax, logs,
                retentionDays, settings);
    }

    public Optional<Deployment> deployment(UUID id) {
        return deployments.stream().filter(d -> d.id().equals(id)).findFirst();
    }
}
