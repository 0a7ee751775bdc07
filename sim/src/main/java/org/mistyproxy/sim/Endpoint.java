package org.mistyproxy.sim;

import java.util.List;
import java.util.Optional;

/** One Misty REST command: its name, verb, path and parameters. */
record Endpoint(String name, String verb, String path, List<EndpointParam> params, String returns,
                String stability) {

    Optional<EndpointParam> param(String name) {
        return params.stream().filter(p -> p.name().equalsIgnoreCase(name)).findFirst();
    }

    /** The value of the {@code Misty-Command-Version} header. */
    String commandVersion() {
        return switch (stability == null ? "" : stability) {
            case "alpha" -> "Alpha";
            case "beta" -> "Beta";
            default -> "Current";
        };
    }
}
