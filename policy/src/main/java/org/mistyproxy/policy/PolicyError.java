package org.mistyproxy.policy;

/**
 * One problem in a policy file, located precisely enough for a person to fix it. Printed as
 * {@code file:line:column path: problem}, e.g.
 * {@code misty-safe.yaml:31:16 rules[3].schema[0].range: the lower bound 12 is above the upper bound -12}.
 */
public record PolicyError(String file, int line, int column, String path, String problem) {

    @Override
    public String toString() {
        return file + ":" + line + ":" + column + " " + path + ": " + problem;
    }
}
