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
 * @param logs           where the access and audit logs go and how they rotate
 * @param retentionDays  how long a terminated instance stays listed before it is forgotten
 */
public record MistyProxyConfig(
        Path source,
        Listen listen,
        Optional<URI> publicBaseUrl,
        Optional<Tls> tls,
        Path dataDir,
        List<User> users,
        List<Deployment> deployments,
        Logs logs,
        int retentionDays) {

    public MistyProxyConfig {
        users = List.copyOf(users);
        deployments = List.copyOf(deployments);
        java.util.Objects.requireNonNull(logs, "logs");
        if (retentionDays < 1) throw new IllegalArgumentException("retentionDays must be at least 1");
    }

    /** With logs in the data folder and the default retention. */
    public MistyProxyConfig(Path source, Listen listen, Optional<URI> publicBaseUrl, Optional<Tls> tls, Path dataDir,
            List<User> users, List<Deployment> deployments) {
        this(source, listen, publicBaseUrl, tls, dataDir, users, deployments, Logs.in(dataDir), DEFAULT_RETENTION_DAYS);
    }

    public static final int DEFAULT_RETENTION_DAYS = 7;

    public MistyProxyConfig withDeployments(List<Deployment> d) {
        return new MistyProxyConfig(source, listen, publicBaseUrl, tls, dataDir, users, d, logs, retentionDays);
    }

    public MistyProxyConfig withLogs(Logs l) {
        return new MistyProxyConfig(source, listen, publicBaseUrl, tls, dataDir, users, deployments, l, retentionDays);
    }

    public MistyProxyConfig withRetentionDays(int days) {
        return new MistyProxyConfig(source, listen, publicBaseUrl, tls, dataDir, users, deployments, logs, days);
    }

    public Optional<Deployment> deployment(UUID id) {
        return deployments.stream().filter(d -> d.id().equals(id)).findFirst();
    }
}
