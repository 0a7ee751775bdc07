package org.mistyproxy.sim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Turns the raw request target into the path a command is looked up by: percent-decoded and with
 * "." and ".." segments resolved (the robot's HTTP stack does this). Double slashes are kept, so
 * {@code //api/device} finds nothing. The raw form itself is what the request log keeps.
 */
final class RawPath {
    private RawPath() {}

    static String decodeAndResolve(String rawUri) {
        String path = rawUri;
        int scheme = path.indexOf("://");
        if (scheme > 0 && scheme < 8) {
            int slash = path.indexOf('/', scheme + 3);
            path = slash < 0 ? "/" : path.substring(slash);
        }
        return resolveDots(percentDecode(path));
    }

    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length() && hex(s.charAt(i + 1)) >= 0 && hex(s.charAt(i + 2)) >= 0) {
                out.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int hex(char c) {
        return Character.digit(c, 16);
    }

    static String resolveDots(String path) {
        if (!path.contains("/.")) {
            return path;
        }
        Deque<String> out = new ArrayDeque<>();
        String[] segments = path.split("/", -1);
        for (int i = 1; i < segments.length; i++) {
            String s = segments[i];
            if (s.equals(".")) {
                if (i == segments.length - 1) {
                    out.addLast("");
                }
            } else if (s.equals("..")) {
                if (!out.isEmpty()) {
                    out.removeLast();
                }
                if (i == segments.length - 1) {
                    out.addLast("");
                }
            } else {
                out.addLast(s);
            }
        }
        return "/" + String.join("/", out);
    }
}
