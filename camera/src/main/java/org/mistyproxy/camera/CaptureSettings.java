package org.mistyproxy.camera;

import java.time.Duration;

/**
 * Timing bounds shared by all capture loops.
 *
 * @param firstFrameWait how long the first snapshot after activation waits for a frame
 * @param staleAfter     a running source with no new frame for this long is reported unavailable
 *                       (a stream that silently stopped); at least a few frame periods is added
 * @param backoffMin     first delay before reopening a failed source
 * @param backoffMax     the delay doubles up to this
 */
public record CaptureSettings(
        Duration firstFrameWait, Duration staleAfter, Duration backoffMin, Duration backoffMax) {

    public CaptureSettings {
        if (firstFrameWait.isNegative() || staleAfter.isNegative() || backoffMin.isNegative()
                || backoffMax.compareTo(backoffMin) < 0) {
            throw new IllegalArgumentException("invalid capture settings: " + firstFrameWait + ", "
                    + staleAfter + ", " + backoffMin + ".." + backoffMax);
        }
    }

    /**
     * Defaults for a server: 5 s for the first frame (the first start loads and may unpack the
     * natives, slow on a busy machine; a failing source answers at once anyway), stale after
     * 2 s, reconnect 0.2 s .. 5 s.
     */
    public static CaptureSettings defaults() {
        return new CaptureSettings(Duration.ofSeconds(5), Duration.ofSeconds(2),
                Duration.ofMillis(200), Duration.ofSeconds(5));
    }

    public CaptureSettings withBackoff(Duration min, Duration max) {
        return new CaptureSettings(firstFrameWait, staleAfter, min, max);
    }
}
