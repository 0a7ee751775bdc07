package org.mistyproxy.config;

import java.time.Duration;

/**
 * How the control API treats its callers.
 *
 * @param rateLimit requests allowed per API token (per client address for calls without a valid
 *                  token); see config/README.md for why the default is {@code 300/min}
 */
public record ControlApiSettings(RateLimit rateLimit) {
    public static final ControlApiSettings DEFAULTS =
            new ControlApiSettings(new RateLimit(300, Duration.ofMinutes(1), "300/min"));
}
