package org.mistyproxy.policy;

import java.util.List;
import java.util.Optional;
import org.mistyproxy.config.Node;

/**
 * One value of a policy file as the shared document reader gave it (see {@code config}'s
 * {@code DocumentReader}), with the questions the section readers ask of it. The position is the
 * one every problem about the value is reported at.
 */
final class Value {
    private final Node node;

    Value(Node node) {
        this.node = node;
    }

    Node.Position at() {
        return node.at();
    }

    int line() {
        return node.at().line();
    }

    boolean isMap() {
        return node instanceof Node.Mapping;
    }

    boolean isList() {
        return node instanceof Node.Sequence;
    }

    boolean isNull() {
        return kind() == Node.Scalar.Kind.NULL;
    }

    boolean isString() {
        return kind() == Node.Scalar.Kind.STRING;
    }

    boolean isBoolean() {
        return kind() == Node.Scalar.Kind.BOOLEAN;
    }

    boolean isTrue() {
        return isBoolean() && Boolean.parseBoolean(text());
    }

    boolean isInteger() {
        return kind() == Node.Scalar.Kind.INTEGER;
    }

    boolean isNumber() {
        return kind() == Node.Scalar.Kind.INTEGER || kind() == Node.Scalar.Kind.DECIMAL;
    }

    /** A YAML alias or the like, which the reader has already reported: nothing more is said about it. */
    boolean isReported() {
        return kind() == Node.Scalar.Kind.INVALID;
    }

    /** A scalar's text as written; {@code null} for a map or a list. */
    String text() {
        return node instanceof Node.Scalar ? ((Node.Scalar) node).text() : null;
    }

    /** A map's value for {@code key}, or null when the key is absent or this is not a map. */
    Value get(String key) {
        if (!(node instanceof Node.Mapping)) {
            return null;
        }
        Optional<Node.Entry> e = ((Node.Mapping) node).entry(key);
        return e.map(x -> new Value(x.value())).orElse(null);
    }

    boolean has(String key) {
        return get(key) != null;
    }

    /** A map's entries in file order (duplicates already reported and dropped). */
    List<Node.Entry> entries() {
        return node instanceof Node.Mapping ? ((Node.Mapping) node).entries() : List.of();
    }

    List<Value> list() {
        return node instanceof Node.Sequence
                ? ((Node.Sequence) node).items().stream().map(Value::new).toList()
                : List.of();
    }

    /** How the value looks in the file, for "must be X, not Y" messages. */
    String shown() {
        if (isMap()) {
            return "a map";
        }
        if (isList()) {
            int n = ((Node.Sequence) node).items().size();
            return n == 0 ? "an empty list" : n == 1 ? "a list of 1 item" : "a list of " + n + " items";
        }
        return isString() ? '"' + text() + '"' : text();
    }

    private Node.Scalar.Kind kind() {
        return node instanceof Node.Scalar ? ((Node.Scalar) node).kind() : null;
    }
}
