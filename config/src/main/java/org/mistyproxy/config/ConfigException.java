package org.mistyproxy.config;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown when a configuration file has problems; carries all of them, in file order. */
public final class ConfigException extends Exception {
    private final transient List<ConfigError> errors;

    public ConfigException(List<ConfigError> errors) {
        super(errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    public List<ConfigError> errors() {
        return errors;
    }
}
