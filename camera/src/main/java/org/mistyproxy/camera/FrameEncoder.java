package org.mistyproxy.camera;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Encodes a frame once per (frame, crop, size, format, quality): the first caller computes in its
 * own thread, every concurrent caller of the same key waits for that same future.
 */
final class FrameEncoder {

    private record Key(SourceKey source, long sequence, CropRect crop, int width, int height, ImageFormat format,
                       int quality) {}

    private final AsyncCache<Key, byte[]> cache;
    private final CaptureCounters counters;

    FrameEncoder(long maxBytes, CaptureCounters counters) {
        this.counters = counters;
        this.cache = Caffeine.newBuilder()
                .maximumWeight(Math.max(1, maxBytes))
                .weigher((Key k, byte[] v) -> v.length)
                // Only the newest frames are ever asked for; old entries just hold memory.
                .expireAfterWrite(Duration.ofSeconds(10))
                .buildAsync();
    }

    byte[] encode(SourceKey source, CapturedFrame frame, CropRect crop, int width, int height, ImageFormat format,
                  int quality) {
        Key key = new Key(source, frame.sequence(), crop, width, height, format, format == ImageFormat.JPEG ? quality : 0);
        @SuppressWarnings("unchecked")
        CompletableFuture<byte[]>[] mine = new CompletableFuture[1];
        CompletableFuture<byte[]> shared = cache.get(key, (k, executor) -> {
            mine[0] = new CompletableFuture<>();
            return mine[0];
        });
        if (mine[0] != null) {
            try {
                long t0 = counters.threadCpuNanos();
                byte[] out = compute(source, frame, crop, width, height, format, quality);
                counters.encodeNanos.add(counters.threadCpuNanos() - t0);
                counters.encodes.increment();
                mine[0].complete(out);
            } catch (RuntimeException e) {
                mine[0].completeExceptionally(e);
                throw e;
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

    private byte[] compute(SourceKey source, CapturedFrame frame, CropRect crop, int width, int height,
                           ImageFormat format, int quality) {
        switch (format) {
            case JPEG: {
                byte[] region = Pixels.crop(frame.bgr(), frame.width(), frame.height(), crop);
                return JavaCvBridge.jpeg(region, crop.width(), crop.height(), width, height, quality);
            }
            case RGB: {
                byte[] region = Pixels.crop(frame.bgr(), frame.width(), frame.height(), crop);
                if (width != crop.width() || height != crop.height()) {
                    region = JavaCvBridge.resizeBgr(region, crop.width(), crop.height(), width, height);
                }
                return Pixels.swapRedBlue(region);
            }
            case NPY:
                return NpyFormat.file(height, width, encode(source, frame, crop, width, height, ImageFormat.RGB, 0));
            default:
                throw new IllegalStateException("unknown format " + format);
        }
    }
}
