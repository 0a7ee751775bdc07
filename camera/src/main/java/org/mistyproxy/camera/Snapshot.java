package org.mistyproxy.camera;

import java.time.Instant;

/**
 * An encoded image of one captured frame. {@code data} is shared between concurrent callers of
 * the same frame and must not be modified.
 *
 * @param sequence   the frame's number in its capture loop (1, 2, ...; restarts with the loop)
 * @param capturedAt when the frame was captured
 * @param memo       results derived from these bytes by callers, shared with every caller of the same
 *                   frame and variant until the frame is replaced
 */
public record Snapshot(ImageFormat format, byte[] data, int width, int height, long sequence, Instant capturedAt,
                       FrameMemo memo) {}
