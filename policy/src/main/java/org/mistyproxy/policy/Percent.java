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

    static boolean allUnreserved(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!unreserved(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
