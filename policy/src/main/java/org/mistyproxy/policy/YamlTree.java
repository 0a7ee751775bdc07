package org.mistyproxy.policy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document as a tree that remembers where every key and value was written, so that each
 * problem in a policy can be reported with its line. Duplicate keys are errors, not overwrites.
 */
final class YamlTree {
    /** A node: a map, a list or a scalar (with the token kind Jackson's YAML reader gave it). */
    static final class Node {
        final int line;
        final int column;
        final Map<String, Node> map;
        final Map<String, int[]> keyAt;
        final List<Node> list;
        final JsonToken scalar;
        final String text;

        private Node(int line, int column, Map<String, Node> map, Map<String, int[]> keyAt, List<Node> list,
                JsonToken scalar, String text) {
            this.line = line;
            this.column = column;
            this.map = map;
            this.keyAt = keyAt;
            this.list = list;
            this.scalar = scalar;
            this.text = text;
        }

        boolean isMap() {
            return map != null;
        }

        boolean isList() {
            return list != null;
        }

        boolean isScalar() {
            return scalar != null;
        }

        boolean isNull() {
            return scalar == JsonToken.VALUE_NULL;
        }

        boolean isString() {
            return scalar == JsonToken.VALUE_STRING;
        }

        boolean isBoolean() {
            return scalar == JsonToken.VALUE_TRUE || scalar == JsonToken.VALUE_FALSE;
        }

        boolean isInteger() {
            return scalar == JsonToken.VALUE_NUMBER_INT;
        }

        boolean isNumber() {
            return scalar == JsonToken.VALUE_NUMBER_INT || scalar == JsonToken.VALUE_NUMBER_FLOAT;
        }

        /** How the value looks in the file, for error messages. */
        String shown() {
            if (isMap()) {
                return "a map";
            }
            if (isList()) {
                return list.isEmpty() ? "an empty list" : list.size() == 1 ? "a list of 1 item" : "a list of " + list.size() + " items";
            }
            return isString() ? '"' + text + '"' : text;
        }
    }

    /** Thrown for YAML that cannot be read at all; carries the line. */
    static final class SyntaxError extends Exception {
        final int line;
        final int column;

        SyntaxError(String message, int line, int column) {
            super(message);
            this.line = line;
            this.column = column;
        }
    }

    /** A duplicate key found while building the tree. */
    record Duplicate(String key, int line, int column, int firstLine) {}

    private final List<Duplicate> duplicates = new ArrayList<>();

    List<Duplicate> duplicates() {
        return duplicates;
    }

    Node read(String text) throws SyntaxError {
        YAMLFactory factory = new YAMLFactory();
        try (JsonParser p = factory.createParser(text)) {
            JsonToken t = p.nextToken();
            if (t == null) {
                return null;
            }
            Node root = node(p, t);
            if (p.nextToken() != null) {
                JsonLocation at = p.currentTokenLocation();
                throw new SyntaxError("only one YAML document is allowed", at.getLineNr(), at.getColumnNr());
            }
            return root;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new SyntaxError("not valid YAML: " + problem(e.getOriginalMessage()), at == null ? 1 : Math.max(1, at.getLineNr()),
                    at == null ? 1 : Math.max(1, at.getColumnNr()));
        } catch (IOException e) {
            throw new SyntaxError("not valid YAML: " + e.getMessage(), 1, 1);
        }
    }

    /** SnakeYAML's message without its own location lines and source excerpts. */
    private static String problem(String m) {
        if (m == null) {
            return "unreadable";
        }
        StringBuilder b = new StringBuilder();
        for (String line : m.split("\n")) {
            if (line.isBlank() || line.startsWith(" ")) {
                continue;
            }
            if (b.length() > 0) {
                b.append("; ");
            }
            b.append(line.trim());
        }
        return b.toString();
    }

    private Node node(JsonParser p, JsonToken t) throws IOException {
        JsonLocation at = p.currentTokenLocation();
        int line = at.getLineNr();
        int col = at.getColumnNr();
        if (t == JsonToken.START_OBJECT) {
            Map<String, Node> map = new LinkedHashMap<>();
            Map<String, int[]> keyAt = new LinkedHashMap<>();
            while ((t = p.nextToken()) != JsonToken.END_OBJECT) {
                String key = p.currentName();
                JsonLocation kl = p.currentTokenLocation();
                Node value = node(p, p.nextToken());
                if (map.containsKey(key)) {
                    duplicates.add(new Duplicate(key, kl.getLineNr(), kl.getColumnNr(), keyAt.get(key)[0]));
                    continue;
                }
                map.put(key, value);
                keyAt.put(key, new int[] {kl.getLineNr(), kl.getColumnNr()});
            }
            return new Node(line, col, map, keyAt, null, null, null);
        }
        if (t == JsonToken.START_ARRAY) {
            List<Node> list = new ArrayList<>();
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                list.add(node(p, t));
            }
            return new Node(line, col, null, null, list, null, null);
        }
        return new Node(line, col, null, null, null, t, t == JsonToken.VALUE_NULL ? "null" : p.getText());
    }
}
