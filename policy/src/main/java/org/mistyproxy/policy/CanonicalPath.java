package org.mistyproxy.policy;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns a request path as sent on the wire into the one form the policy matches and the relay
 * forwards: percent-decoded exactly once, dot segments resolved, repeated and trailing slashes
 * collapsed, lower case (the robot's routes are case-insensitive). Anything a server could read
 * two ways is refused instead: invalid or overlong UTF-8, NUL and control characters, an encoded
 * {@code /} or {@code \}, a raw {@code \}, {@code ;} path parameters, and {@code ..} above the root.
 */
final class CanonicalPath {
    /** A canonical path ({@code decoded} for matching, {@code wire} for the request line), or an error. */
    record Result(String decoded, String wire, String error) {
        static Result error(String why) {
            return new Result(null, null, why);
        }
    }

    private CanonicalPath() {}

    static Result of(String raw) {
        if (raw.isEmpty() || raw.charAt(0) != '/') {
            return Result.error("the path must start with /");
        }
        if (isPlainCanonical(raw)) {
            return new Result(raw, raw, null);
        }
        return slow(raw);
    }

    /**
     * The common case, decided without allocating: lower-case unreserved characters only, no
     * empty, {@code .} or {@code ..} segment, no trailing slash.
     */
    private static boolean isPlainCanonical(String s) {
        int n = s.length();
        if (n == 1) {
            return true;
        }
        if (s.charAt(n - 1) == '/') {
            return false;
        }
        int segStart = 1;
        for (int i = 1; i <= n; i++) {
            char c = i < n ? s.charAt(i) : '/';
            if (c == '/') {
                int len = i - segStart;
                if (len == 0) {
                    return false;
                }
                if (s.charAt(segStart) == '.' && (len == 1 || (len == 2 && s.charAt(segStart + 1) == '.'))) {
                    return false;
                }
                segStart = i + 1;
            } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'
                    || c == '~')) {
                return false;
            }
        }
        return true;
    }

    private static Result slow(String raw) {
        List<String> segments = new ArrayList<>();
        int n = raw.length();
        int start = 1;
        for (int i = 1; i <= n; i++) {
            if (i == n || raw.charAt(i) == '/') {
                if (i > start) {
                    String decoded = decode(raw, start, i);
                    if (decoded.startsWith("\u0000ERR")) {
                        return Result.error(decoded.substring(4));
                    }
                    if (decoded.equals("..")) {
                        if (segments.isEmpty()) {
                            return Result.error("the path climbs above the root with ..");
                        }
                        segments.remove(segments.size() - 1);
                    } else if (!decoded.equals(".")) {
                        segments.add(decoded.toLowerCase(Locale.ROOT));
                    }
                }
                start = i + 1;
            }
        }
        if (segments.isEmpty()) {
            return new Result("/", "/", null);
        }
        StringBuilder decoded = new StringBuilder(raw.length());
        StringBuilder wire = new StringBuilder(raw.length() + 8);
        for (String seg : segments) {
            decoded.append('/').append(seg);
            wire.append('/');
            Percent.encode(seg, wire);
        }
        return new Result(decoded.toString(), wire.toString(), null);
    }

    /** Decodes one segment, or returns "\0ERR" + the problem (no exceptions on this path). */
    private static String decode(String raw, int from, int to) {
        byte[] bytes = null;
        int len = 0;
        for (int i = from; i < to; i++) {
            char c = raw.charAt(i);
            int b;
            if (c == '%') {
                b = Percent.decodeEscape(raw, i, to);
                if (b < 0) {
                    return "\u0000ERR" + "a % in the path is not followed by two hex digits";
                }
                if (b == '/') {
                    return "\u0000ERR" + "an encoded / (%2F) in the path is refused";
                }
                if (b == '\\') {
                    return "\u0000ERR" + "an encoded \\ (%5C) in the path is refused";
                }
                i += 2;
            } else if (c == '\\') {
                return "\u0000ERR" + "a \\ in the path is refused (some servers read it as /)";
            } else if (c >= 0x80) {
                return "\u0000ERR" + "the path contains a raw non-ASCII character (percent-encode it as UTF-8)";
            } else {
                b = c;
            }
            if (b == ';') {
                return "\u0000ERR" + "path parameters (;) are refused";
            }
            if (b == 0) {
                return "\u0000ERR" + "the path contains a NUL character";
            }
            if (b < 0x20 || b == 0x7f) {
                return "\u0000ERR" + "the path contains a control character";
            }
            if (bytes == null) {
                bytes = new byte[to - from];
            }
            bytes[len++] = (byte) b;
        }
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, len))
                    .toString();
        } catch (CharacterCodingException e) {
            return "\u0000ERR" + "the path is not valid UTF-8 once percent-decoded";
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ((c >= 0x80 && c < 0xa0) || c == '\u2028' || c == '\u2029' || c == '\uFEFF') {
                return "\u0000ERR" + "the path contains a control character";
            }
        }
        return s;
    }
}
