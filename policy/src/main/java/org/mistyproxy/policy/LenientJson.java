package org.mistyproxy.policy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Reads JSON the way the robot's lenient .NET reader does (single-quoted strings are accepted,
 * as Python's {@code str(dict)} produces them) but refuses everything ambiguous: invalid UTF-8, a
 * byte-order mark, duplicate keys (also when they differ only in case, since the robot reads names
 * case-insensitively), trailing garbage, NaN/Infinity, numbers outside 64 bits or the double range,
 * and nesting deeper than {@link #MAX_DEPTH}. What passes is written back strictly, and that
 * strict text is what the robot gets.
 */
final class LenientJson {
    /** Deepest nesting accepted; the robot's messages are at most three levels deep. */
    static final int MAX_DEPTH = 16;

    /** A parse result: a value, or an error in words; both null for an empty (blank) body. */
    record Parsed(JsonNode value, String error) {}

    private final ObjectMapper mapper;

    LenientJson() {
        JsonFactory factory = JsonFactory.builder()
                .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_DEPTH)
                        .maxNumberLength(100)
                        .build())
                .build();
        this.mapper = JsonMapper.builder(factory).build();
    }

    ObjectMapper mapper() {
        return mapper;
    }

    Parsed parse(byte[] bytes) {
        String bad = Utf8.problem(bytes);
        if (bad != null) {
            return new Parsed(null, bad);
        }
        if (isBlank(bytes)) {
            return new Parsed(null, null);
        }
        JsonNode node;
        // Bytes are parsed as UTF-8 directly: Utf8.problem refused NUL bytes, so Jackson's
        // encoding detection (which looks for the zero bytes of UTF-16/32) always picks UTF-8.
        try (JsonParser parser = mapper.createParser(bytes)) {
            node = mapper.readTree(parser);
            try {
                if (parser.nextToken() != null) {
                    return new Parsed(null, "unexpected text after the JSON value");
                }
            } catch (JsonProcessingException e) {
                return new Parsed(null, "unexpected text after the JSON value");
            }
        } catch (JsonProcessingException e) {
            return new Parsed(null, describe(e));
        } catch (IOException e) {
            return new Parsed(null, "unreadable: " + e.getMessage());
        }
        if (node == null || node.isMissingNode()) {
            return new Parsed(null, null);
        }
        String problem = check(node, 0);
        return problem == null ? new Parsed(node, null) : new Parsed(null, problem);
    }

    private static boolean isBlank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    private static String describe(JsonProcessingException e) {
        String m = e.getOriginalMessage();
        if (m == null) {
            m = "malformed";
        }
        int nl = m.indexOf('\n');
        if (nl >= 0) {
            m = m.substring(0, nl);
        }
        if (m.startsWith("Duplicate field")) {
            return "duplicate key " + m.substring("Duplicate field ".length());
        }
        if (m.contains("Non-standard token") || m.contains("NaN") || m.contains("Infinity")) {
            return "NaN and Infinity are not numbers in JSON";
        }
        if (m.contains("Trailing token")) {
            return "unexpected text after the JSON value";
        }
        if (m.contains("nesting depth")) {
            return "nested deeper than " + MAX_DEPTH + " levels";
        }
        if (e.getLocation() != null && e.getLocation().getColumnNr() > 0) {
            return m + " at character " + e.getLocation().getColumnNr();
        }
        return m;
    }

    /** Refuses numbers the robot could read differently, and keys duplicated up to case. */
    private static String check(JsonNode node, int depth) {
        if (node.isNumber()) {
            if (node.isBigInteger()) {
                return "number " + node.asText() + " is outside the 64-bit range";
            }
            if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
                return "number is outside the range of a double";
            }
            return null;
        }
        if (node.isObject()) {
            int n = node.size();
            if (n > 1 && n <= 16) {
                // small objects (all real ones): pairwise, without allocating
                String[] names = new String[n];
                int i = 0;
                Iterator<String> it = node.fieldNames();
                while (it.hasNext()) {
                    String name = it.next();
                    for (int j = 0; j < i; j++) {
                        if (names[j].equalsIgnoreCase(name)) {
                            return twice(name, names[j]);
                        }
                    }
                    names[i++] = name;
                }
            } else if (n > 16) {
                // large objects: a hash set, so a body of many keys costs linear time
                Map<String, String> seen = new HashMap<>(n * 2);
                Iterator<String> it = node.fieldNames();
                while (it.hasNext()) {
                    String name = it.next();
                    String first = seen.putIfAbsent(name.toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT), name);
                    if (first != null) {
                        return twice(name, first);
                    }
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().indexOf('\0') >= 0) {
                    return "key contains a NUL character";
                }
                String p = check(e.getValue(), depth + 1);
                if (p != null) {
                    return p;
                }
            }
        } else if (node.isArray()) {
            for (JsonNode child : node) {
                String p = check(child, depth + 1);
                if (p != null) {
                    return p;
                }
            }
        }
        return null;
    }

    private static String twice(String name, String first) {
        return "key " + Reasons.quote(name) + " appears twice (" + Reasons.quote(first)
                + "); names compare case-insensitively";
    }

    byte[] writeBytes(JsonNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String write(JsonNode node) {
        return new String(writeBytes(node), StandardCharsets.UTF_8);
    }

    /** The value as a long if it is a whole number within 64 bits, else null. */
    static Long wholeNumber(JsonNode v) {
        if (v.isIntegralNumber()) {
            return v.canConvertToLong() ? v.longValue() : null;
        }
        if (v.isFloatingPointNumber()) {
            double d = v.doubleValue();
            if (Double.isFinite(d) && d == Math.rint(d) && d >= -0x1p63 && d < 0x1p63) {
                return (long) d;
            }
        }
        return null;
    }

    /** A number as a person writes it: 5, not 5.0. */
    static String plain(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d);
    }
}
