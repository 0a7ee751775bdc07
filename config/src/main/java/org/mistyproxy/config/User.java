package org.mistyproxy.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A control-API user. Only the SHA-256 of the API token is configured, as 64 lower-case hex digits,
 * so a leaked config file does not leak tokens.
 */
public record User(String name, Role role, String tokenSha256) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

    /** User names are 1 to 64 letters, digits, {@code . _ @ -}, starting with a letter or digit. */
    public static boolean isValidName(String name) {
        return NAME.matcher(name).matches();
    }

    /**
     * The SHA-256, as 64 lower-case hex digits, of an API token's text (its UTF-8 bytes exactly as
     * the client sends it after {@code Bearer }, not of any decoded form).
     */
    public static String sha256Hex(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Whether {@code token} is this user's API token; compares in constant time. */
    public boolean matches(String token) {
        return MessageDigest.isEqual(
                sha256Hex(token).getBytes(StandardCharsets.US_ASCII),
                tokenSha256.getBytes(StandardCharsets.US_ASCII));
    }
}
