package org.mistyproxy.proxy.access;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.mistyproxy.proxy.store.DataFolder;
import org.mistyproxy.proxy.store.JsonLines;

/**
 * API tokens that their users revoked ({@code POST /revoke/{sha256}}, {@code POST /purge}), by the
 * SHA-256 that the configuration also holds. Kept in {@code revoked-tokens.jsonl} in the data
 * folder through {@link JsonLines} (one forced line per call, so a purge is all or nothing); a
 * revocation is on disk before it answers and before the token stops working, and it outlives
 * restarts, {@code kill -9} and configuration changes: a revoked hash left in (or put back into)
 * the configuration still does not authenticate. The check on every authenticated request is a
 * lock-free set probe.
 */
public final class RevokedTokens implements AutoCloseable {
    public static final String FILE = "revoked-tokens.jsonl";

    /** One line of the file: the SHA-256s (lower-case hex) one call revoked, whose they were, when (epoch millis). */
    public record Revocation(List<String> sha256, String user, long at) {}

    private final JsonLines file;
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();
    private final List<Revocation> history = new ArrayList<>();

    private RevokedTokens(JsonLines file) {
        this.file = file;
    }

    public static RevokedTokens open(DataFolder folder) throws IOException {
        JsonLines.Opened opened = JsonLines.open(folder, FILE);
        RevokedTokens t = new RevokedTokens(opened.file());
        for (JsonNode line : opened.lines()) {
            Revocation r = JsonLines.JSON.treeToValue(line, Revocation.class);
            t.history.add(r);
            t.revoked.addAll(r.sha256());
        }
        opened.file().compactOnStart(t.history);
        return t;
    }

    public boolean isRevoked(String sha256Hex) {
        return revoked.contains(sha256Hex);
    }

    /** Revokes those of {@code sha256s} not revoked yet: durably, then at once. Returns how many were new. */
    public synchronized int revoke(String user, Collection<String> sha256s, long now) {
        List<String> fresh = new ArrayList<>();
        for (String s : sha256s) if (!revoked.contains(s) && !fresh.contains(s)) fresh.add(s);
        if (fresh.isEmpty()) return 0;
        Revocation r = new Revocation(List.copyOf(fresh), user, now);
        file.append(r);
        history.add(r);
        revoked.addAll(fresh);
        return fresh.size();
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
