package org.mistyproxy.policy;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown when a policy file has problems; carries all of them, in file order. */
public final class PolicyException extends Exception {
    private final transient List<PolicyError> errors;

    public PolicyException(List<PolicyError> errors) {
        super(errors.stream().map(PolicyError::toString).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    public List<PolicyError> errors() {
        return errors;
    }
}
