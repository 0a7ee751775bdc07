package org.mistyproxy.policy;

import java.util.List;
import java.util.Locale;

/**
 * How a request body is to be read, from its headers: as JSON (checked parameter by parameter and
 * forwarded canonical), as a raw upload (only a {@code raw_body} rule admits it), or, for any
 * other type, as whatever the bytes turn out to be; and whether it is encoded (refused).
 */
final class BodyType {
    private BodyType() {}

    /**
     * Bodies that are raw uploads whatever they contain: multipart forms; and under a
     * {@code raw_body} rule, a body of declared length that is not a browser form (an image, a
     * sound, a skill): it streams to the robot unread, as it always has, since {@code raw_body}
     * already says the policy cannot see inside. A form body is read even there, because browser
     * apps send their JSON commands as forms.
     */
    static boolean isUpload(String contentType, Rule rule, long length) {
        String t = essence(contentType).toLowerCase(Locale.ROOT);
        return t.startsWith("multipart/")
                || (rule != null && rule.rawBody && length > 0 && !t.equals("application/x-www-form-urlencoded"));
    }

    /** Whether the first byte after blanks opens an object or array (or is a byte-order mark). */
    static boolean startsLikeJson(byte[] body) {
        for (byte b : body) {
            if (b == ' ' || b == '\t' || b == '\r' || b == '\n') {
                continue;
            }
            return b == '{' || b == '[' || b == (byte) 0xEF;
        }
        return false;
    }

    /** The media type without its parameters ({@code ; charset=...}), as reasons show it. */
    static String essence(String contentType) {
        int semi = contentType.indexOf(';');
        return (semi >= 0 ? contentType.substring(0, semi) : contentType).trim();
    }

    /** The first Content-Encoding other than identity, or null. */
    static String encoding(List<String> values) {
        if (values == null) {
            return null;
        }
        for (String v : values) {
            for (String coding : v.split(",")) {
                String c = coding.trim();
                if (!c.isEmpty() && !c.equalsIgnoreCase("identity")) {
                    return c;
                }
            }
        }
        return null;
    }

    /**
     * Bodies read as JSON: no type (the robot does not require one), JSON types, and text/plain
     * (what browsers send for a fetch without a Content-Type). Any other type is JSON when its
     * bytes parse as JSON, unless {@link #isUpload} says it is an upload.
     */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return true;
        }
        int semi = contentType.indexOf(';');
        String t = (semi >= 0 ? contentType.substring(0, semi) : contentType).trim().toLowerCase(Locale.ROOT);
        return t.isEmpty() || t.equals("application/json") || t.equals("text/json") || t.equals("text/plain")
                || (t.startsWith("application/") && t.endsWith("+json"));
    }
}
