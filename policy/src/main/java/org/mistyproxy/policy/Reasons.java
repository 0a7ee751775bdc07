package org.mistyproxy.policy;

import com.fasterxml.jackson.databind.JsonNode;

/** How values appear inside reasons: short, quoted when text, control characters escaped. */
final class Reasons {
    private static final int MAX_SHOWN = 40;
    private static final int MAX_PATH = 200;

    private Reasons() {}

    /** A string as {@code "text"}, truncated and with control characters escaped. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_SHOWN) + 8).append('"');
        appendEscaped(b, s, MAX_SHOWN);
        return b.append('"').toString();
    }

    /** Text shown bare (a path, a name), truncated and with control characters escaped. */
    static String bare(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_SHOWN) + 8);
        appendEscaped(b, s, MAX_SHOWN);
        return b.toString();
    }

    /** A raw path as sent, for refusals before it could be canonicalised; longer limit than values. */
    static String path(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_PATH) + 8);
        appendEscaped(b, s, MAX_PATH);
        return b.toString();
    }

    private static void appendEscaped(StringBuilder b, String s, int max) {
        int n = s.length() > max + 3 ? max : s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)) {
                b.append(String.format("\\u%04x", (int) c));
            } else if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else {
                b.append(c);
            }
        }
        if (n < s.length()) {
            b.append("...");
        }
    }

    /** A JSON value as a person reads it: numbers and booleans bare, strings quoted. */
    static String show(JsonNode v) {
        if (v.isTextual()) {
            return quote(v.textValue());
        }
        if (v.isNumber() || v.isBoolean()) {
            return v.asText();
        }
        return v.isArray() ? "an array" : v.isObject() ? "an object" : v.toString();
    }
}
