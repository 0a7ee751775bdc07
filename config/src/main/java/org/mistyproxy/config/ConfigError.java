package org.mistyproxy.config;

/**
 * One problem in a configuration file, located precisely enough for a person to fix it.
 * Printed as {@code file:line:column path: problem}, e.g.
 * {@code mistyproxy.yaml:14:7 deployments[0].cameras[1].fps: must be between 1 and 120, got 0}.
 */
public record ConfigError(String file, int line, int column, String path, String problem) {

    @Override
    public String toString() {
        return file + ":" + line + ":" + column + " " + path + ": " + problem;
    }
}
