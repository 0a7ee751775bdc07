package org.mistyproxy.proxy.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mistyproxy.config.User;

/**
 * Who is calling the control API. The config holds only SHA-256 digests of API tokens; a presented
 * token is hashed, found by its digest, and the digests compared in constant time. A digest that its
 * user revoked ({@link RevokedTokens}) no longer authenticates, whatever the configuration says.
 */
public final class ApiUsers {
    private record Entry(byte[] digest, User user) {}

    private final Map<String, Entry> byDigest = new HashMap<>();
    private final RevokedTokens revoked;
    private final Map<String, User> byName = new HashMap<>();

    public ApiUsers(List<User> users, RevokedTokens revoked) {
        this.revoked = revoked;
        for (User u : users) {
            byName.put(u.name(), u);
            for (String t : u.tokenSha256s()) {
                String hex = t.toLowerCase(java.util.Locale.ROOT);
                byDigest.put(hex, new Entry(HexFormat.of().parseHex(hex), u));
            }
        }
    }

    /** The users in force (they change on a reload). */
    public interface Current {
        ApiUsers get();
    }

    /** The revoked tokens these users are checked against (the same store across reloads). */
    public RevokedTokens revoked() {
        return revoked;
    }

    /** A configured user by name (the holder of a reservation, the subject of a rule). */
    public Optional<User> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The user of an {@code Authorization: Bearer} header value (null when absent); empty when no user has that token. */
    public Optional<User> authenticate(String authorization) {
        return grant(authorization).map(UserGrant::user);
    }

    /**
     * The grant of an {@code Authorization: Bearer} header value (null when absent): the user and
     * which of their tokens was presented (its digest); empty when no user has that token.
     */
    public Optional<UserGrant> grant(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) return Optional.empty();
        String token = authorization.substring(7).trim();
        if (token.isEmpty()) return Optional.empty();
        byte[] digest = ProxyToken.sha256(token.getBytes(StandardCharsets.UTF_8));
        String hex = HexFormat.of().formatHex(digest);
        Entry e = byDigest.get(hex);
        if (e == null || !MessageDigest.isEqual(e.digest(), digest) || revoked.isRevoked(hex)) return Optional.empty();
        return Optional.of(new UserGrant(e.user(), hex));
    }

    /** The SHA-256 (lower-case hex) of every API token configured for {@code user}'s name, revoked or not. */
    public List<String> tokensOf(User user) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, Entry> e : byDigest.entrySet()) {
            if (e.getValue().user().name().equals(user.name())) out.add(e.getKey());
        }
        return out;
    }
}
