package org.mistyproxy.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.Map;

/** Dot-notation property lookup ("A.B.C") with names compared without regard to case, as the robot does. */
final class JsonPaths {
    private JsonPaths() {}

    static JsonNode find(JsonNode root, String dotted) {
        JsonNode node = root;
        for (String part : dotted.split("\\.")) {
            node = child(node, part);
            if (node.isMissingNode()) {
                return node;
            }
        }
        return node;
    }

    static JsonNode child(JsonNode node, String name) {
        if (node == null || !node.isObject()) {
            return MissingNode.getInstance();
        }
        JsonNode exact = node.get(name);
        if (exact != null) {
            return exact;
        }
        for (Map.Entry<String, JsonNode> f : node.properties()) {
            if (f.getKey().equalsIgnoreCase(name)) {
                return f.getValue();
            }
        }
        return MissingNode.getInstance();
    }
}
