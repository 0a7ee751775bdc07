package org.mistyproxy.config;

import java.util.HashMap;
import java.util.Map;

/** Reports a value that must be unique (an id, a name) the second time it is seen. */
final class Uniqueness {
    private record First(String path, Node.Position at) {}

    private final Problems problems;
    private final String what;
    private final Map<String, First> seen = new HashMap<>();

    /** @param what how a value is named in the message, e.g. {@code "camera id"} */
    Uniqueness(Problems problems, String what) {
        this.problems = problems;
        this.what = what;
    }

    /**
     * @param shown     how the value appears in the message (a token hash is not repeated)
     * @param owner     the path of the item that owns the value, e.g. {@code deployments[0]}
     */
    void claim(String value, String shown, Node.Position at, String path, String owner) {
        First first = seen.putIfAbsent(value, new First(owner, at));
        if (first != null) {
            problems.add(at, path, "duplicate " + what + (shown.isEmpty() ? "" : " " + shown)
                    + ": " + first.path() + " (line " + first.at().line() + ") has it already");
        }
    }
}
