package org.mistyproxy.policy;

import java.util.ArrayList;
import java.util.List;
import org.mistyproxy.config.Node;
import org.mistyproxy.config.Problems;

/**
 * A policy file being read: its name, the problems found so far, and the readers of the small
 * value kinds that every section uses (allow/block, booleans, bounded whole numbers, name lists,
 * unknown keys). Problems go to config's {@link Problems}, so a policy error prints exactly like a
 * configuration error: {@code file:line:column path: problem}.
 */
final class PolicyFile {
    final String name;
    final Problems problems;
    private int count;

    PolicyFile(String name) {
        this.name = name;
        this.problems = new Problems(name);
    }

    /** How many problems this reader has reported (the document reader's own come on top). */
    int errorCount() {
        return count;
    }

    void error(Value at, String path, String problem) {
        if (at.isReported()) {
            return;
        }
        error(at.at(), path, problem);
    }

    void error(Node.Position at, String path, String problem) {
        count++;
        problems.add(at, path, problem);
    }

    Boolean allowOrBlock(Value v, String path) {
        if (v.isString() && v.text().equals("allow")) {
            return true;
        }
        if (v.isString() && v.text().equals("block")) {
            return false;
        }
        error(v, path, "must be allow or block, not " + v.shown());
        return null;
    }

    Boolean optionalBool(Value v, String path) {
        if (v == null) {
            return null;
        }
        if (!v.isBoolean()) {
            error(v, path, "must be true or false, not " + v.shown());
            return null;
        }
        return v.isTrue();
    }

    Long wholeIn(Value v, String path, long min, long max, String unit) {
        if (v.isInteger()) {
            try {
                long l = Long.parseLong(v.text());
                if (l >= min && l <= max) {
                    return l;
                }
            } catch (NumberFormatException e) {
                // beyond 64 bits: the message below says what is allowed
            }
        }
        error(v, path, "must be a whole number of " + unit + " from " + min + " to " + max + ", not " + v.shown());
        return null;
    }

    /** A list of non-empty names; null (reported) when {@code n} is not a list. */
    List<String> strings(Value n, String path) {
        if (!n.isList()) {
            error(n, path, "must be a list of names, not " + n.shown());
            return null;
        }
        List<String> out = new ArrayList<>();
        List<Value> items = n.list();
        for (int j = 0; j < items.size(); j++) {
            Value e = items.get(j);
            if (!e.isString() || e.text().isEmpty()) {
                error(e, path + "[" + j + "]", "must be a name, not " + e.shown());
            } else {
                out.add(e.text());
            }
        }
        return out;
    }

    void unknownKeys(Value n, String prefix, List<String> known) {
        for (Node.Entry e : n.entries()) {
            if (!known.contains(e.key())) {
                error(e.keyAt(), prefix + e.key(), "unknown key (expected one of " + String.join(", ", known) + ")");
            }
        }
    }
}
