package org.mistyproxy.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Keys to remove from a JSON response, given as dotted paths ({@code result.currentPreSharedKey}).
 * A segment {@code *} matches any key or array element; {@code **} matches any depth, so
 * {@code **.password} removes every key named password. Keys compare case-insensitively, because
 * the robot's responses are not consistent about case.
 */
public final class Redaction {
    private static final Redaction NONE = new Redaction(List.of(), new ObjectMapper());
    private static final byte[] WITHHELD = "{\"status\":\"Failed\",\"error\":\"response withheld: the policy redacts it but it is not valid JSON\"}"
            .getBytes(StandardCharsets.UTF_8);

    private final List<String[]> paths;
    private final List<String> source;
    private final ObjectMapper mapper;

    private Redaction(List<String> source, ObjectMapper mapper) {
        this.source = List.copyOf(source);
        this.mapper = mapper;
        List<String[]> compiled = new ArrayList<>();
        for (String p : source) {
            String s = p.startsWith("$.") ? p.substring(2) : p;
            compiled.add(s.toLowerCase(Locale.ROOT).split("\\.", -1));
        }
        this.paths = List.copyOf(compiled);
    }

    static Redaction of(List<String> paths, ObjectMapper mapper) {
        return paths.isEmpty() ? NONE : new Redaction(paths, mapper);
    }

    /** Redacts nothing. */
    public static Redaction none() {
        return NONE;
    }

    public boolean isEmpty() {
        return paths.isEmpty();
    }

    /** The paths as written in the policy. */
    public List<String> paths() {
        return source;
    }

    /**
     * Returns the response with every matching key removed. A response that is not valid JSON
     * cannot be checked, so it is replaced by a Misty-style error instead of passing unredacted.
     */
    public byte[] apply(byte[] json) {
        if (isEmpty()) {
            return json;
        }
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (IOException e) {
            return WITHHELD.clone();
        }
        if (root == null) {
            return WITHHELD.clone();
        }
        for (String[] path : paths) {
            remove(root, path, 0);
        }
        try {
            return mapper.writeValueAsBytes(root);
        } catch (IOException e) {
            return WITHHELD.clone();
        }
    }

    private static void remove(JsonNode node, String[] path, int at) {
        if (at >= path.length || !node.isContainerNode()) {
            return;
        }
        String seg = path[at];
        boolean last = at == path.length - 1;
        if (seg.equals("**")) {
            // zero levels: try the rest here; then one more level down, keeping "**"
            remove(node, path, at + 1);
            for (JsonNode child : node) {
                remove(child, path, at);
            }
            return;
        }
        if (node instanceof ObjectNode obj) {
            Iterator<Map.Entry<String, JsonNode>> it = obj.properties().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (seg.equals("*") || e.getKey().toLowerCase(Locale.ROOT).equals(seg)) {
                    if (last) {
                        it.remove();
                    } else {
                        remove(e.getValue(), path, at + 1);
                    }
                }
            }
        } else if (node instanceof ArrayNode arr && seg.equals("*")) {
            for (int i = arr.size() - 1; i >= 0; i--) {
                if (last) {
                    arr.remove(i);
                } else {
                    remove(arr.get(i), path, at + 1);
                }
            }
        }
    }
}
