package org.mistyproxy.camera;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * One captured frame: packed BGR bytes (OpenCV's order), {@code height * width * 3}, never
 * modified; plus the encodings made of it so far, shared by concurrent callers, and what callers
 * derived from each encoding ({@link FrameMemo}).
 */
record CapturedFrame(long sequence, Instant capturedAt, long capturedNanos, int width, int height, byte[] bgr,
                     ConcurrentMap<FrameEncoder.Variant, CompletableFuture<byte[]>> encodings,
                     ConcurrentMap<FrameEncoder.Variant, FrameMemo> memos) {

    CapturedFrame(long sequence, Instant capturedAt, long capturedNanos, int width, int height, byte[] bgr) {
        this(sequence, capturedAt, capturedNanos, width, height, bgr, new ConcurrentHashMap<>(8), new ConcurrentHashMap<>(4));
    }

    /**
     * The memo of one encoding of this frame: shared by every caller that got the same bytes (same
     * crop, size, format and quality), never across crops of a shared source. Beyond
     * {@link FrameEncoder#MAX_VARIANTS_PER_FRAME} variants a fresh, unshared memo is handed out.
     */
    FrameMemo memo(FrameEncoder.Variant v) {
        FrameMemo m = memos.get(v);
        if (m != null) {
            return m;
        }
        if (memos.size() >= FrameEncoder.MAX_VARIANTS_PER_FRAME) {
            return new FrameMemo();
        }
        FrameMemo mine = new FrameMemo();
        FrameMemo won = memos.putIfAbsent(v, mine);
        return won == null ? mine : won;
    }
}
