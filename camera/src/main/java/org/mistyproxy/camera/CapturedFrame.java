package org.mistyproxy.camera;

import java.time.Instant;

/** One captured frame: packed BGR bytes (OpenCV's order), {@code height * width * 3}, never modified. */
record CapturedFrame(long sequence, Instant capturedAt, long capturedNanos, int width, int height, byte[] bgr) {}
