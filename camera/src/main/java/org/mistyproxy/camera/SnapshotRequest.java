package org.mistyproxy.camera;

import java.util.OptionalInt;

/**
 * What a caller wants: a format, an optional downscale (aspect kept unless both sides are given)
 * and an optional JPEG quality (the camera's default otherwise).
 */
public record SnapshotRequest(ImageFormat format, OptionalInt width, OptionalInt height, OptionalInt quality) {

    public SnapshotRequest {
        if (format == null) {
            throw new IllegalArgumentException("format must be given");
        }
        width = width == null ? OptionalInt.empty() : width;
        height = height == null ? OptionalInt.empty() : height;
        quality = quality == null ? OptionalInt.empty() : quality;
        if (quality.isPresent() && (quality.getAsInt() < 1 || quality.getAsInt() > 100)) {
            throw new IllegalArgumentException("quality " + quality.getAsInt() + " is out of range (1 to 100)");
        }
    }

    public static SnapshotRequest of(ImageFormat format) {
        return new SnapshotRequest(format, OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty());
    }
}
