package org.mistyproxy.camera;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * One captured frame: packed BGR bytes (OpenCV's order), {@code height * width * 3}, never
 * modified; plus the encodings made of it so far, shared by concurrent callers, and what callers
 * derived from those ({@link FrameMemo}).
 */
record CapturedFrame(long sequence, Instant capturedAt, long capturedNanos, int width, int height, byte[] bgr,
                     ConcurrentMap<FrameEncoder.Variant, CompletableFuture<byte[]>> encodings, FrameMemo memo) {

    CapturedFrame(long sequence, Instant capturedAt, long capturedNanos, int width, int height, byte[] bgr) {
        this(sequence, capturedAt, capturedNanos, width, height, bgr, new ConcurrentHashMap<>(8), new FrameMemo());
    }
}
