package org.mistyproxy.policy;

import java.nio.charset.StandardCharsets;

/** Canonical percent-encoding: every byte outside the unreserved set, as %XX upper case. */
final class Percent {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private Percent() {}

    static boolean unreserved(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }

    static void encode(String s, StringBuilder out) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (unreserved(c)) {
                    out.append(c);
                } else {
                    out.append('%').append(HEX[c >> 4]).append(HEX[c & 15]);
                }
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < s.length() ? i + 2 : i + 1;
                for (byte b : s.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                    out.append('%').append(HEX[(b >> 4) & 15]).append(HEX[b & 15]);
                }
                i = end - 1;
            }
        }
    }

    /**
     * The byte written as {@code %XX} at {@code raw[i]} (which holds the {@code %}), or -1 when
     * the two characters before {@code to} are missing or not hex digits.
     */
    static int decodeEscape(String raw, int i, int to) {
        if (i + 2 >= to) {
            return -1;
        }
        int hi = Character.digit(raw.charAt(i + 1), 16);
        int lo = Character.digit(raw.charAt(i + 2), 16);
        return hi < 0 || lo < 0 ? -1 : (hi << 4) | lo;
    }

    static boolean allUnreserved(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!unreserved(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
