package org.mistyproxy.camera;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * Results derived from one encoding of one captured frame by callers outside this module (a JSON
 * body, a feed's wire bytes), computed once and shared by every caller that got the same bytes
 * (same frame, crop, size, format, quality). They live on the frame, so they go away when a newer
 * frame replaces it; at most {@link #MAX_ENTRIES} are kept per encoding (further ones are computed
 * but not shared), which bounds the memory a frame can pin.
 */
public final class FrameMemo {

    static final int MAX_ENTRIES = 32;

    private final ConcurrentMap<Object, Object> results = new ConcurrentHashMap<>(4);

    FrameMemo() {}

    /**
     * The value for {@code key}, computed by {@code compute} on the first call for this frame.
     * Concurrent first callers may each compute it; one result wins and is returned to all later
     * callers (computing here must be cheap next to an encode and free of side effects).
     */
    @SuppressWarnings("unchecked")
    public <T> T get(Object key, Supplier<T> compute) {
        Object v = results.get(key);
        if (v != null) {
            return (T) v;
        }
        T mine = compute.get();
        if (results.size() >= MAX_ENTRIES) {
            return mine;
        }
        Object won = results.putIfAbsent(key, mine);
        return won == null ? mine : (T) won;
    }
}
