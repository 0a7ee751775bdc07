package org.mistyproxy.proxy.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Capability tokens: 256 random bits, URL-safe base64 without padding (43 characters). A token is
 * only ever logged as {@link #logId}, a short hash that cannot be turned back into the token.
 */
public final class ProxyToken {
    public static final int LENGTH = 43;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private ProxyToken() {}

    public static String generate(SecureRandom random) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return B64.encodeToString(b);
    }

    /** True when {@code s} has the shape of a token (length and alphabet; says nothing about validity). */
    public static boolean looksLikeToken(String s) {
        if (s.length() != LENGTH) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!ok) return false;
        }
        return true;
    }

    /** {@code tok:} plus the first 8 hex digits of the token's SHA-256: enough to correlate log lines. */
    public static String logId(String token) {
        return Presented.of(token).logId();
    }

    /**
     * A token as a request presents it, hashed once: the same SHA-256 finds it in a
     * {@link TokenTable} and names it in the access log, so a request hashes its token only once.
     */
    public record Presented(String text, byte[] sha256) {
        public static Presented of(String text) {
            return new Presented(text, ProxyToken.sha256(text.getBytes(StandardCharsets.UTF_8)));
        }

        public String logId() {
            return "tok:" + HexFormat.of().formatHex(sha256, 0, 4);
        }
    }

    public static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    public static String sha256Hex(String s) {
        return HexFormat.of().formatHex(sha256(s.getBytes(StandardCharsets.UTF_8)));
    }
}
