package org.mistyproxy.config;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The fields of one object in the file, with the set of names it may have. Creating it reports
 * anything that is not an object, and every unknown field (suggesting the allowed name that is
 * closest, since most unknown fields are typos or camelCase).
 */
final class Fields {
    private final Node.Mapping mapping;
    private final String path;
    private final Scalars scalars;

    private Fields(Node.Mapping mapping, String path, Scalars scalars) {
        this.mapping = mapping;
        this.path = path;
        this.scalars = scalars;
    }

    /** The object's fields, or empty (reported) when {@code node} is not an object. */
    static Optional<Fields> of(Node node, String path, Scalars scalars, List<String> allowed) {
        if (!(node instanceof Node.Mapping)) {
            return scalars.mismatch(node, path, "an object");
        }
        Node.Mapping m = (Node.Mapping) node;
        for (Node.Entry e : m.entries()) {
            if (!allowed.contains(e.key())) {
                String hint = closest(e.key(), allowed).map(a -> " (did you mean " + Node.quote(a) + "?)").orElse("");
                scalars.problems().add(e.keyAt(), Problems.child(path, e.key()), "unknown field " + Node.quote(e.key())
                        + hint + "; allowed: " + String.join(", ", allowed));
            }
        }
        return Optional.of(new Fields(m, path, scalars));
    }

    Node.Position at() {
        return mapping.at();
    }

    String path() {
        return path;
    }

    String path(String key) {
        return Problems.child(path, key);
    }

    Scalars scalars() {
        return scalars;
    }

    Optional<Node> get(String key) {
        return mapping.entry(key).map(Node.Entry::value);
    }

    /** The field's value; when absent, reports it at the object's position. */
    Optional<Node> required(String key) {
        Optional<Node> n = get(key);
        if (n.isEmpty()) {
            scalars.problems().add(mapping.at(), path(key), "required field is missing");
        }
        return n;
    }

    Optional<String> string(String key) {
        return get(key).flatMap(n -> scalars.string(n, path(key)));
    }

    Optional<String> requiredString(String key) {
        return required(key).flatMap(n -> scalars.nonEmptyString(n, path(key)));
    }

    int integer(String key, int min, int max, int defaultValue) {
        return get(key).map(n -> scalars.integer(n, path(key), min, max).orElse(defaultValue)).orElse(defaultValue);
    }

    /** The closest allowed name within two edits, if any. */
    private static Optional<String> closest(String key, List<String> allowed) {
        String k = key.toLowerCase(Locale.ROOT).replace('-', '_');
        return allowed.stream()
                .filter(a -> distance(k, a) <= 2)
                .min(Comparator.comparingInt(a -> distance(k, a)));
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
