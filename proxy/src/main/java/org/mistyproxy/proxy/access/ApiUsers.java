package org.mistyproxy.proxy.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mistyproxy.config.User;

/**
 * Who is calling the control API. The config holds only SHA-256 digests of API tokens; a presented
 * token is hashed, found by its digest, and the digests compared in constant time.
 */
public final class ApiUsers {
    private record Entry(byte[] digest, User user) {}

    private final Map<String, Entry> byDigest = new HashMap<>();
    private final Map<String, User> byName = new HashMap<>();

    public ApiUsers(List<User> users) {
        for (User u : users) {
            byName.put(u.name(), u);
            String hex = u.tokenSha256().toLowerCase(java.util.Locale.ROOT);
            byDigest.put(hex, new Entry(HexFormat.of().parseHex(hex), u));
        }
    }

    /** A configured user by name (the holder of a reservation, the subject of a rule). */
    public Optional<User> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The user of an {@code Authorization: Bearer} header value (null when absent); empty when no user has that token. */
    public Optional<User> authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) return Optional.empty();
        String token = authorization.substring(7).trim();
        if (token.isEmpty()) return Optional.empty();
        byte[] digest = ProxyToken.sha256(token.getBytes(StandardCharsets.UTF_8));
        Entry e = byDigest.get(HexFormat.of().formatHex(digest));
        if (e == null || !MessageDigest.isEqual(e.digest(), digest)) return Optional.empty();
        return Optional.of(e.user());
    }
}
