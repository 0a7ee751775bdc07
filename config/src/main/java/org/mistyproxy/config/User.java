package org.mistyproxy.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A control-API user. Only SHA-256 digests of API tokens are configured, as 64 lower-case hex
 * digits, so a leaked config file does not leak tokens. A user may hold several tokens (one per
 * machine, or a new one beside an old one while changing over); each one works alone, and
 * {@code POST /purge} revokes them all.
 *
 * @param tokenSha256s the digests of this user's API tokens, at least one
 */
public record User(String name, Role role, List<String> tokenSha256s) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");

    public User {
        tokenSha256s = List.copyOf(tokenSha256s);
        if (tokenSha256s.isEmpty()) throw new IllegalArgumentException("user " + name + " needs at least one token");
    }

    /** A user with one token. */
    public User(String name, Role role, String tokenSha256) {
        this(name, role, List.of(tokenSha256));
    }

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

    /** Whether {@code token} is one of this user's API tokens; compares in constant time. */
    public boolean matches(String token) {
        byte[] presented = sha256Hex(token).getBytes(StandardCharsets.US_ASCII);
        boolean any = false;
        for (String t : tokenSha256s) any |= MessageDigest.isEqual(presented, t.getBytes(StandardCharsets.US_ASCII));
        return any;
    }
}
