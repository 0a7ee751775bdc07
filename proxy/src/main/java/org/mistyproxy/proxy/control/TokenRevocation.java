package org.mistyproxy.proxy.control;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.mistyproxy.config.User;
import org.mistyproxy.proxy.access.ApiUsers;
import org.mistyproxy.proxy.access.RevokedTokens;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /revoke/{sha256}} and {@code POST /purge}: a user withdraws their own API tokens.
 *
 * <p>"All the caller's tokens" are the tokens the configuration lists under the caller's user name
 * (its {@code token_sha256}, one hash or a list), including the one the request came with. A token
 * configured later for that name is a new token and works. Revocation is about the control
 * API only: the proxy and feed URLs already handed out for the caller's instances are capabilities
 * of those instances and keep working until the add-on is deactivated or the instance ends (the
 * owner can terminate it).
 */
public final class TokenRevocation {
    private static final Logger LOG = LoggerFactory.getLogger(TokenRevocation.class);
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");

    private final ApiUsers.Current users;
    private final RevokedTokens revoked;
    private final Clock clock;

    public TokenRevocation(ApiUsers.Current users, RevokedTokens revoked, Clock clock) {
        this.users = users;
        this.revoked = revoked;
        this.clock = clock;
    }

    /** Revokes one of the caller's own tokens; a token that is not the caller's is "not found" (it is not theirs to revoke). */
    Map<String, Object> revoke(User caller, String sha256) {
        if (!SHA256_HEX.matcher(sha256).matches()) {
            throw ApiError.of(400, "/revoke/{sha256}: expected the SHA-256 of an API token as 64 hexadecimal digits, got "
                    + sha256.length() + " characters");
        }
        String hex = sha256.toLowerCase(Locale.ROOT);
        if (!users.get().tokensOf(caller).contains(hex)) {
            throw ApiError.of(404, "no API token of user " + caller.name() + " has SHA-256 " + hex);
        }
        int n = revoked.revoke(caller.name(), List.of(hex), clock.millis());
        LOG.info("event=api_token_revoked user={} token=tok:{} new={}", caller.name(), hex.substring(0, 8), n == 1);
        return result(n);
    }

    /** Revokes every token configured for the caller's name. */
    Map<String, Object> purge(User caller) {
        List<String> mine = users.get().tokensOf(caller);
        int n = revoked.revoke(caller.name(), mine, clock.millis());
        LOG.info("event=api_tokens_purged user={} tokens={} new={}", caller.name(), mine.size(), n);
        return result(n);
    }

    private static Map<String, Object> result(int n) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("success", true);
        out.put("revoked", n);
        return out;
    }
}
