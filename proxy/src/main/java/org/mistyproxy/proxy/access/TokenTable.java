package org.mistyproxy.proxy.access;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Live capability tokens and what they resolve to. A lookup hashes the presented token, finds at
 * most one entry by that hash (so the cost does not depend on how many tokens exist, and the map's
 * own {@code equals} never compares secrets byte by byte), then compares the stored token with the
 * presented one in constant time.
 */
public final class TokenTable<T> {
    private record Entry<T>(byte[] token, T value) {}

    private final ConcurrentHashMap<ByteBuffer, Entry<T>> byHash = new ConcurrentHashMap<>();
    private final LongAdder comparisons = new LongAdder();

    public void put(String token, T value) {
        byte[] t = token.getBytes(StandardCharsets.US_ASCII);
        byHash.put(key(t), new Entry<>(t, value));
    }

    public void remove(String token) {
        byHash.remove(key(token.getBytes(StandardCharsets.US_ASCII)));
    }

    /** The value of a live token, or null. */
    public T lookup(ProxyToken.Presented presented) {
        if (!ProxyToken.looksLikeToken(presented.text())) return null;
        Entry<T> e = byHash.get(ByteBuffer.wrap(presented.sha256()));
        if (e == null) return null;
        comparisons.increment();
        return MessageDigest.isEqual(e.token, presented.text().getBytes(StandardCharsets.US_ASCII)) ? e.value : null;
    }

    public int size() {
        return byHash.size();
    }

    /** How many stored tokens lookups have compared with so far: one per successful hash hit. */
    public long comparisons() {
        return comparisons.sum();
    }

    private static ByteBuffer key(byte[] token) {
        return ByteBuffer.wrap(ProxyToken.sha256(token));
    }
}
