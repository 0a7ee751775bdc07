package org.mistyproxy.policy;

import java.util.List;
import java.util.stream.Collectors;
import org.mistyproxy.config.ConfigError;

/**
 * Thrown when a policy file has problems; carries all of them, in file order. Each is config's
 * {@link ConfigError} ({@code file:line:column path: problem}): a policy file is read by the same
 * reader as a configuration file and its problems print the same way.
 */
public final class PolicyException extends Exception {
    private final transient List<ConfigError> errors;

    public PolicyException(List<ConfigError> errors) {
        super(errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    public List<ConfigError> errors() {
        return errors;
    }
}
