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
        ControlApiSettings controlApi) {

    public MistyProxyConfig {
        users = List.copyOf(users);
        deployments = List.copyOf(deployments);
    }

    /** A configuration with the control API's defaults (tests and the demo build these). */
    public MistyProxyConfig(Path source, Listen listen, Optional<URI> publicBaseUrl, Optional<Tls> tls, Path dataDir,
            List<User> users, List<Deployment> deployments) {
        this(source, listen, publicBaseUrl, tls, dataDir, users, deployments, ControlApiSettings.DEFAULTS);
    }

    public MistyProxyConfig withControlApi(ControlApiSettings settings) {
        return new MistyProxyConfig(source, listen, publicBaseUrl, tls, dataDir, users, deployments, settings);
    }

    public Optional<Deployment> deployment(UUID id) {
        return deployments.stream().filter(d -> d.id().equals(id)).findFirst();
    }
}
