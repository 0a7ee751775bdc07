package org.mistyproxy.camera;

/**
 * Counters since the {@link Cameras} was created, for metrics.
 *
 * @param framesCaptured frames taken from all sources
 * @param encodes        images encoded (JPEG, RGB or .npy), each counted once however many callers shared it
 * @param captureNanos   time spent grabbing and converting frames (not waiting for them)
 * @param encodeNanos    time spent encoding
 * @param activeLoops    capture loops running now
 */
public record CameraStats(long framesCaptured, long encodes, long captureNanos, long encodeNanos, int activeLoops) {}
