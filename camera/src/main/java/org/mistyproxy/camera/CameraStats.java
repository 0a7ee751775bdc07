package org.mistyproxy.camera;

/**
 * Counters since the {@link Cameras} was created, for metrics.
 *
 * @param framesCaptured frames taken from all sources
 * @param encodes        images encoded (JPEG, RGB or .npy), each counted once however many callers shared it
 * @param captureNanos   CPU time of the capture threads spent grabbing and converting frames
 *                       (for a synthetic source: rendering); waiting for frames is not counted
 * @param encodeNanos    CPU time spent encoding
 * @param activeLoops    capture loops running now
 */
public record CameraStats(long framesCaptured, long encodes, long captureNanos, long encodeNanos, int activeLoops) {}
