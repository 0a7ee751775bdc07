package org.mistyproxy.config;

import java.math.BigInteger;
import java.util.List;
import java.util.Optional;

/**
 * A parsed configuration value together with where it was written. Jackson's {@code JsonNode}
 * forgets locations, and every error we report must name a line and column, so the loader reads
 * the token stream into this small tree instead. The policy module reads its files into the same
 * tree (see {@link DocumentReader#readYaml}), so both kinds of file obey one set of YAML rules.
 */
public sealed interface Node permits Node.Mapping, Node.Sequence, Node.Scalar {

    Position at();

    /** What a value is, for "must be X, got Y" messages. */
    String describe();

    /** A 1-based line and column. */
    record Position(int line, int column) {
        public static final Position START = new Position(1, 1);
    }

    /** One {@code key: value} pair; the key has its own position for unknown-field errors. */
    record Entry(String key, Position keyAt, Node value) {}

    record Mapping(Position at, List<Entry> entries) implements Node {
        public Mapping {
            entries = List.copyOf(entries);
        }

        public Optional<Entry> entry(String key) {
            return entries.stream().filter(e -> e.key().equals(key)).findFirst();
        }

        @Override
        public String describe() {
            return "an object";
        }
    }

    record Sequence(Position at, List<Node> items) implements Node {
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }

    /**
     * A leaf value. {@code text} is the value as written (for YAML plain scalars, exactly the
     * characters in the file); {@code integer} is set only for integer literals.
     */
    record Scalar(Position at, Kind kind, String text, BigInteger integer) implements Node {
        /** INVALID: already reported when read (a YAML alias, say); every typed read rejects it silently. */
        public enum Kind { STRING, INTEGER, DECIMAL, BOOLEAN, NULL, INVALID }

        @Override
        public String describe() {
            switch (kind) {
                case STRING: return "string " + quote(text);
                case INTEGER:
                case DECIMAL: return "number " + text;
                case BOOLEAN: return text;
                case INVALID: return "an unsupported value";
                default: return "null";
            }
        }
    }

    /** A string as it appears in messages: double-quoted, with quotes, backslashes and controls escaped. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c == '\n') {
                b.append("\\n");
            } else if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
