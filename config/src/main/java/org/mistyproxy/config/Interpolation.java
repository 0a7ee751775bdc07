package org.mistyproxy.config;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} in string values with environment variables, so that secrets such as a
 * keystore password need not be written into the file. {@code $${} is a literal {@code ${}.
 */
final class Interpolation {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Map<String, String> environment;

    Interpolation(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    static boolean mayApply(String raw) {
        return raw.indexOf("${") >= 0;
    }

    /** The interpolated text, or null when a reference could not be resolved (reported). */
    String apply(String raw, Node.Position at, String path, Problems problems) {
        if (!mayApply(raw)) {
            return raw;
        }
        StringBuilder out = new StringBuilder(raw.length());
        boolean ok = true;
        int i = 0;
        while (i < raw.length()) {
            if (raw.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (raw.startsWith("${", i)) {
                int end = raw.indexOf('}', i + 2);
                if (end < 0) {
                    problems.add(at, path, "unclosed ${ in " + Node.quote(raw) + " (write $${ for a literal ${)");
                    return null;
                }
                String name = raw.substring(i + 2, end);
                boolean validName = NAME.matcher(name).matches();
                String value = validName ? environment.get(name) : null;
                if (!validName) {
                    problems.add(at, path, "invalid environment variable name " + Node.quote(name)
                            + " (letters, digits and _, not starting with a digit)");
                    ok = false;
                } else if (value == null) {
                    problems.add(at, path, "environment variable " + name + " is not set");
                    ok = false;
                } else {
                    out.append(value);
                }
                i = end + 1;
            } else {
                out.append(raw.charAt(i++));
            }
        }
        return ok ? out.toString() : null;
    }
}
