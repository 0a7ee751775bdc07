package org.mistyproxy.proxy.access;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.mistyproxy.proxy.instances.JsonLinesStore;

/**
 * API tokens that their users revoked ({@code POST /revoke/{sha256}}, {@code POST /purge}), by the
 * SHA-256 that the configuration also holds. Kept in {@code revoked-tokens.jsonl} in the data
 * folder; a revocation is on disk before it answers and before the token stops working, and it
 * outlives restarts, {@code kill -9} and configuration changes: a revoked hash left in (or put back
 * into) the configuration still does not authenticate. The lookup on every authenticated request is
 * a lock-free set probe.
 */
public final class RevokedTokens implements AutoCloseable {
    public static final String FILE = "revoked-tokens.jsonl";

    /** One revoked token: its SHA-256 (lower-case hex), whose it was, and when (epoch millis). */
    public record Revocation(String sha256, String user, long at) {}

    private final JsonLinesStore<Revocation> store;
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();

    private RevokedTokens(JsonLinesStore.Opened<Revocation> opened) {
        this.store = opened.store();
        for (Revocation r : opened.records()) revoked.add(r.sha256());
    }

    public static RevokedTokens open(Path dataDir) throws IOException {
        return new RevokedTokens(JsonLinesStore.open(dataDir, FILE, Revocation.class, Revocation::sha256));
    }

    public boolean isRevoked(String sha256Hex) {
        return revoked.contains(sha256Hex);
    }

    /** Revokes those of {@code sha256s} not revoked yet, durably, then at once; returns how many were new. */
    public synchronized int revoke(String user, Collection<String> sha256s, long now) {
        List<Revocation> fresh = new ArrayList<>();
        for (String s : sha256s) if (!revoked.contains(s)) fresh.add(new Revocation(s, user, now));
        if (fresh.isEmpty()) return 0;
        store.append(fresh.toArray(Revocation[]::new));
        for (Revocation r : fresh) revoked.add(r.sha256());
        return fresh.size();
    }

    @Override
    public void close() throws IOException {
        store.close();
    }
}
