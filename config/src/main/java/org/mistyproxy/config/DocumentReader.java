package org.mistyproxy.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;

/**
 * Reads Jackson's token stream (JSON or YAML alike) into a {@link Node} tree that keeps every
 * value's position. Duplicate keys are reported here rather than by Jackson's
 * {@code STRICT_DUPLICATE_DETECTION}, which would stop at the first one. YAML anchors and aliases
 * are refused: Jackson hands an alias over as the anchor's name, so it would be read silently as
 * the wrong value. The configuration loader and the policy module both read their files here.
 */
public final class DocumentReader {
    private final Problems problems;
    /** What an empty document is told: a policy file says what it needs at least. */
    private final String whenEmpty;
    private final Map<Node.Position, String> anchors = new HashMap<>();
    /** The path being read, so that a syntax error can say where in the document it happened. */
    private String currentPath = "";

    private DocumentReader(Problems problems, String whenEmpty) {
        this.problems = problems;
        this.whenEmpty = whenEmpty;
    }

    /** {@code text} read as one YAML document (JSON is YAML too); see {@link #read(String, JsonFactory, Problems, String)}. */
    public static Optional<Node> readYaml(String text, Problems problems, String whenEmpty) {
        return read(text, new YAMLFactory(), problems, whenEmpty);
    }

    /**
     * {@code text} read as one document in {@code format} (a {@link YAMLFactory} or a JSON
     * factory); empty when the document is empty or not well-formed, which {@code problems} then says.
     */
    public static Optional<Node> read(String text, JsonFactory format, Problems problems, String whenEmpty) {
        DocumentReader reader = new DocumentReader(problems, whenEmpty);
        if (format instanceof YAMLFactory) {
            reader.anchors.putAll(anchors(text));
        }
        try (JsonParser parser = format.createParser(text)) {
            return reader.read(parser);
        } catch (IOException e) {
            problems.add(Node.Position.START, "", "cannot parse the file: " + e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Where anchors are written, and their names. Jackson's parser does not say when a scalar has an
     * anchor, so SnakeYAML's event stream is read once more for them; a document it cannot parse
     * has none here (the syntax error is reported by the main pass).
     */
    private static Map<Node.Position, String> anchors(String text) {
        Map<Node.Position, String> found = new HashMap<>();
        if (text.indexOf('&') < 0) {
            return found;
        }
        try {
            for (Event e : new Yaml().parse(new StringReader(text))) {
                if (e instanceof NodeEvent && !(e instanceof AliasEvent) && ((NodeEvent) e).getAnchor() != null) {
                    found.put(new Node.Position(e.getStartMark().getLine() + 1, e.getStartMark().getColumn() + 1),
                            ((NodeEvent) e).getAnchor());
                }
            }
        } catch (YAMLException e) {
            // reported by the main pass
        }
        return found;
    }

    /** The document's root value; empty when the document is empty or not well-formed (reported). */
    private Optional<Node> read(JsonParser parser) throws IOException {
        try {
            JsonToken first = parser.nextToken();
            if (first == null) {
                problems.add(Node.Position.START, "", whenEmpty);
                return Optional.empty();
            }
            Node root = value(parser, "");
            if (parser.nextToken() != null) {
                problems.add(position(parser.currentTokenLocation()), "",
                        parser instanceof YAMLParser
                                ? "only one YAML document is allowed"
                                : "unexpected content after the end of the document");
            }
            return Optional.of(root);
        } catch (JsonProcessingException e) {
            syntaxError(e);
            return Optional.empty();
        }
    }

    private Node value(JsonParser p, String path) throws IOException {
        currentPath = path;
        Node.Position at = position(p.currentTokenLocation());
        if (p instanceof YAMLParser && ((YAMLParser) p).isCurrentAlias()) {
            // Jackson hands an alias over as the anchor's name, a string: silently wrong, so refuse.
            problems.add(at, path, "YAML aliases (*" + p.getText() + ") are not supported; write the value out");
            return new Node.Scalar(at, Node.Scalar.Kind.INVALID, p.getText(), null);
        }
        String anchor = anchors.get(at);
        if (anchor != null) {
            // An anchor alone changes nothing, but it exists only to be aliased: say so where it is written.
            problems.add(at, path, "YAML anchors (&" + anchor + ") are not supported; write the value out where it is used");
        }
        switch (p.currentToken()) {
            case START_OBJECT:
                return mapping(p, path, at);
            case START_ARRAY:
                return sequence(p, path, at);
            case VALUE_STRING:
                return new Node.Scalar(at, Node.Scalar.Kind.STRING, p.getText(), null);
            case VALUE_NUMBER_INT:
                return new Node.Scalar(at, Node.Scalar.Kind.INTEGER, p.getText(), p.getBigIntegerValue());
            case VALUE_NUMBER_FLOAT:
                return new Node.Scalar(at, Node.Scalar.Kind.DECIMAL, p.getText(), null);
            case VALUE_TRUE:
            case VALUE_FALSE:
                return new Node.Scalar(at, Node.Scalar.Kind.BOOLEAN, p.getText(), null);
            case VALUE_NULL:
                return new Node.Scalar(at, Node.Scalar.Kind.NULL, "null", null);
            default:
                // Embedded objects (YAML binary) and the like: not part of our format.
                problems.add(at, path, "unsupported value " + Node.quote(p.getText()));
                return new Node.Scalar(at, Node.Scalar.Kind.INVALID, p.getText(), null);
        }
    }

    private Node mapping(JsonParser p, String path, Node.Position at) throws IOException {
        List<Node.Entry> entries = new ArrayList<>();
        Map<String, Node.Position> seen = new HashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            Node.Position keyAt = position(p.currentTokenLocation());
            String keyPath = Problems.child(path, key);
            p.nextToken();
            Node v = value(p, keyPath);
            currentPath = path;
            Node.Position first = seen.putIfAbsent(key, keyAt);
            if (first != null) {
                problems.add(keyAt, keyPath, "duplicate key " + Node.quote(key)
                        + " (first at line " + first.line() + ")");
            } else {
                entries.add(new Node.Entry(key, keyAt, v));
            }
        }
        currentPath = path;
        return new Node.Mapping(at, entries);
    }

    private Node sequence(JsonParser p, String path, Node.Position at) throws IOException {
        List<Node> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            items.add(value(p, Problems.index(path, items.size())));
            currentPath = path;
        }
        currentPath = path;
        return new Node.Sequence(at, items);
    }

    private void syntaxError(JsonProcessingException e) {
        // SnakeYAML's own message spans several lines with a context excerpt; keep only the problem.
        if (e.getCause() instanceof MarkedYAMLException) {
            MarkedYAMLException y = (MarkedYAMLException) e.getCause();
            if (y.getProblemMark() != null) {
                problems.add(new Node.Position(y.getProblemMark().getLine() + 1, y.getProblemMark().getColumn() + 1),
                        currentPath, "invalid YAML: " + firstLine(y.getProblem()));
                return;
            }
        }
        JsonLocation where = e.getLocation();
        problems.add(where == null ? Node.Position.START : position(where), currentPath,
                "invalid " + (e.getProcessor() instanceof YAMLParser ? "YAML" : "JSON") + ": "
                        + firstLine(e.getOriginalMessage()));
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "malformed document";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    private static Node.Position position(JsonLocation l) {
        return new Node.Position(Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()));
    }
}
