package org.mistyproxy.camera;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentMap;

/**
 * Encodes a frame once per variant (crop, size, format, quality): the first caller computes in
 * its own thread, every concurrent caller of the same variant waits for that same future.
 *
 * <p>The results live on the frame itself, so they go away with it when a newer frame replaces
 * it. (A size-bounded cache was tried first: with large .npy results its frequency-based
 * admission kept evicting the newest frame's entry and re-encoded on every request.)
 */
final class FrameEncoder {

    /** Beyond this many variants of one frame, results are computed but not shared (bounds memory). */
    static final int MAX_VARIANTS_PER_FRAME = 32;

    record Variant(CropRect crop, int width, int height, ImageFormat format, int quality) {
        /** Quality only matters to JPEG; other formats share one variant whatever was asked. */
        static Variant of(CropRect crop, int width, int height, ImageFormat format, int quality) {
            return new Variant(crop, width, height, format, format == ImageFormat.JPEG ? quality : 0);
        }
    }

    private final CaptureCounters counters;

    FrameEncoder(CaptureCounters counters) {
        this.counters = counters;
    }

    byte[] encode(CapturedFrame frame, CropRect crop, int width, int height, ImageFormat format, int quality) {
        Variant v = Variant.of(crop, width, height, format, quality);
        ConcurrentMap<Variant, CompletableFuture<byte[]>> memo = frame.encodings();
        CompletableFuture<byte[]> shared = memo.get(v);
        if (shared == null) {
            if (memo.size() >= MAX_VARIANTS_PER_FRAME) {
                return computeCounted(frame, v);
            }
            CompletableFuture<byte[]> mine = new CompletableFuture<>();
            shared = memo.putIfAbsent(v, mine);
            if (shared == null) {
                try {
                    byte[] out = computeCounted(frame, v);
                    mine.complete(out);
                    return out;
                } catch (RuntimeException e) {
                    memo.remove(v, mine); // let a later caller try again
                    mine.completeExceptionally(e);
                    throw e;
                }
            }
        }
        try {
            return shared.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    /** The variant's bytes if some caller already finished encoding them for this frame, else null. */
    byte[] completed(CapturedFrame frame, CropRect crop, int width, int height, ImageFormat format, int quality) {
        Variant v = Variant.of(crop, width, height, format, quality);
        CompletableFuture<byte[]> f = frame.encodings().get(v);
        return f != null && f.isDone() && !f.isCompletedExceptionally() ? f.join() : null;
    }

    /** True if some caller has started (or finished) encoding the variant for this frame. */
    boolean started(CapturedFrame frame, CropRect crop, int width, int height, ImageFormat format, int quality) {
        Variant v = Variant.of(crop, width, height, format, quality);
        return frame.encodings().containsKey(v);
    }

    private byte[] computeCounted(CapturedFrame frame, Variant v) {
        long t0 = counters.threadCpuNanos();
        byte[] out = compute(frame, v);
        counters.encodeNanos.add(counters.threadCpuNanos() - t0);
        counters.encodes.increment();
        return out;
    }

    private byte[] compute(CapturedFrame frame, Variant v) {
        CropRect crop = v.crop();
        switch (v.format()) {
            case JPEG: {
                byte[] region = Pixels.crop(frame.bgr(), frame.width(), frame.height(), crop);
                return JavaCvBridge.jpeg(region, crop.width(), crop.height(), v.width(), v.height(), v.quality());
            }
            case RGB: {
                byte[] region = Pixels.crop(frame.bgr(), frame.width(), frame.height(), crop);
                if (v.width() != crop.width() || v.height() != crop.height()) {
                    region = JavaCvBridge.resizeBgr(region, crop.width(), crop.height(), v.width(), v.height());
                }
                return Pixels.swapRedBlue(region);
            }
            case NPY:
                return NpyFormat.file(v.height(), v.width(), encode(frame, crop, v.width(), v.height(), ImageFormat.RGB, 0));
            default:
                throw new IllegalStateException("unknown format " + v.format());
        }
    }
}
