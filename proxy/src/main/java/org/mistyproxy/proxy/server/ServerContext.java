package org.mistyproxy.proxy.server;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.mistyproxy.config.MistyProxyConfig;
import org.mistyproxy.proxy.instances.InstanceEvents;

/**
 * What the server hands to the parts that plug into it (relay, WebSocket relay, camera data
 * plane): one of each per server, built in {@link ProxyServer}.
 *
 * @param config  the configuration the server started with (what is in force after a reload is
 *                {@code access.CurrentConfig}; listen, tls, public base and data dir stay these)
 * @param options the non-file settings
 * @param metrics the one registry {@code /metrics} renders
 * @param events  instance revocations and cam add-on changes
 */
public record ServerContext(
        MistyProxyConfig config, ServerOptions options, PrometheusMeterRegistry metrics, InstanceEvents events) {}
