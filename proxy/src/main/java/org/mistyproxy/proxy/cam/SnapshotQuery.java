package org.mistyproxy.proxy.cam;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.util.Deque;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.mistyproxy.camera.ImageFormat;
import org.mistyproxy.camera.SnapshotRequest;

/**
 * What a {@code GET .../img} asks for. Default: the contract's JSON with base64 JPEG. Additions:
 * {@code ?format=ndarray} (JSON, base64 RGB bytes), {@code ?format=npy} or
 * {@code Accept: application/x-npy} (a .npy file), {@code Accept: image/jpeg} (raw JPEG);
 * {@code width}, {@code height}, {@code quality}. An explicit {@code format} wins over Accept.
 */
record SnapshotQuery(Reply reply, SnapshotRequest request) {

    enum Reply {
        JSON_JPEG("jpeg"), JSON_NDARRAY("ndarray"), NPY("npy"), RAW_JPEG("jpeg-raw");

        final String tag;

        Reply(String tag) {
            this.tag = tag;
        }
    }

    private static final Set<String> KNOWN = Set.of("format", "width", "height", "quality");

    static SnapshotQuery parse(HttpServerExchange ex) {
        Map<String, Deque<String>> q = ex.getQueryParameters();
        for (Map.Entry<String, Deque<String>> e : q.entrySet()) {
            if (!KNOWN.contains(e.getKey())) {
                throw new IllegalArgumentException("unknown query parameter '" + e.getKey()
                        + "' (known: format, width, height, quality)");
            }
            if (e.getValue().size() > 1) {
                throw new IllegalArgumentException("query parameter '" + e.getKey() + "' is given more than once");
            }
        }
        Reply reply;
        String format = single(q, "format");
        if (format != null) {
            switch (format.toLowerCase(java.util.Locale.ROOT)) {
                case "jpeg":
                case "jpg":
                    reply = Reply.JSON_JPEG;
                    break;
                case "ndarray":
                    reply = Reply.JSON_NDARRAY;
                    break;
                case "npy":
                    reply = Reply.NPY;
                    break;
                default:
                    throw new IllegalArgumentException("format '" + format + "' is not one of jpeg, ndarray, npy");
            }
        } else {
            String accept = ex.getRequestHeaders().getFirst(Headers.ACCEPT);
            if (accepts(accept, "application/x-npy")) {
                reply = Reply.NPY;
            } else if (accepts(accept, "image/jpeg")) {
                reply = Reply.RAW_JPEG;
            } else {
                reply = Reply.JSON_JPEG;
            }
        }
        ImageFormat image = switch (reply) {
            case JSON_JPEG, RAW_JPEG -> ImageFormat.JPEG;
            case JSON_NDARRAY -> ImageFormat.RGB;
            case NPY -> ImageFormat.NPY;
        };
        return new SnapshotQuery(reply, new SnapshotRequest(image, integer(q, "width"), integer(q, "height"),
                integer(q, "quality")));
    }

    /** True when the Accept header names exactly this media type (with any parameters). */
    private static boolean accepts(String accept, String type) {
        if (accept == null) {
            return false;
        }
        for (String part : accept.split(",")) {
            String t = part.split(";", 2)[0].strip();
            if (t.equalsIgnoreCase(type)) {
                return true;
            }
        }
        return false;
    }

    private static String single(Map<String, Deque<String>> q, String name) {
        Deque<String> v = q.get(name);
        return v == null ? null : v.peekFirst();
    }

    private static OptionalInt integer(Map<String, Deque<String>> q, String name) {
        String v = single(q, name);
        if (v == null) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(v));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("query parameter " + name + ": '" + v + "' is not an integer");
        }
    }
}
