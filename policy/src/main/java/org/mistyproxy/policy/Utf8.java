package org.mistyproxy.policy;

/**
 * Strict UTF-8 validation of request bodies and messages, without decoding: refuses overlong
 * forms, surrogates, code points above U+10FFFF, a byte-order mark, and NUL bytes (never valid
 * in JSON text, and the sign of UTF-16 that a parser might otherwise auto-detect).
 */
final class Utf8 {
    private Utf8() {}

    /** Null if the bytes are acceptable, else the problem in words. */
    static String problem(byte[] b) {
        int n = b.length;
        if (n >= 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF) {
            return "starts with a byte-order mark";
        }
        int i = 0;
        while (i < n) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                if (c == 0) {
                    return "contains a NUL byte";
                }
                i++;
                continue;
            }
            int need;
            int lo = 0x80;
            int hi = 0xBF;
            if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
            } else if (c == 0xE0) {
                need = 2;
                lo = 0xA0;
            } else if (c == 0xED) {
                need = 2;
                hi = 0x9F;
            } else if (c >= 0xE1 && c <= 0xEF) {
                need = 2;
            } else if (c == 0xF0) {
                need = 3;
                lo = 0x90;
            } else if (c >= 0xF1 && c <= 0xF3) {
                need = 3;
            } else if (c == 0xF4) {
                need = 3;
                hi = 0x8F;
            } else {
                return "not valid UTF-8";
            }
            if (i + need >= n) {
                return "not valid UTF-8";
            }
            int second = b[i + 1] & 0xff;
            if (second < lo || second > hi) {
                return "not valid UTF-8";
            }
            for (int k = 2; k <= need; k++) {
                int cc = b[i + k] & 0xff;
                if (cc < 0x80 || cc > 0xBF) {
                    return "not valid UTF-8";
                }
            }
            i += need + 1;
        }
        return null;
    }
}
