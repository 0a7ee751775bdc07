package org.mistyproxy.camera;

import java.util.Optional;

/**
 * One camera entry as configured: which source it reads, at what size and rate, and which part
 * of the frame it shows. Entries with the same source, size and fps share one capture loop.
 *
 * @param id          camera id, used in messages ("camera 0 unavailable: ...")
 * @param source      {@code synthetic}, a device ({@code /dev/video0} or an index such as
 *                    {@code 0}), a file path or {@code file:} URI (looped), or a stream URL
 *                    understood by FFmpeg ({@code rtsp://}, {@code http://} MJPEG, ...)
 * @param width       capture width in pixels; frames of another size are scaled to it
 * @param height      capture height in pixels
 * @param fps         frames per second, 1 to 120
 * @param crop        the part of the frame this entry serves; empty means the whole frame
 * @param jpegQuality default JPEG quality, 1 to 100
 */
public record CameraSpec(
        String id, String source, int width, int height, int fps, Optional<CropRect> crop,
        int jpegQuality) {

    public CameraSpec {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("camera id must not be empty");
        }
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("camera " + id + ": source must not be empty");
        }
        if (width < 8 || height < 8 || width > 8192 || height > 8192) {
            throw new IllegalArgumentException("camera " + id + ": size " + width + "x" + height
                    + " is out of range (8 to 8192 per side)");
        }
        if (fps < 1 || fps > 120) {
            throw new IllegalArgumentException("camera " + id + ": fps " + fps + " is out of range (1 to 120)");
        }
        if (jpegQuality < 1 || jpegQuality > 100) {
            throw new IllegalArgumentException("camera " + id + ": jpeg quality " + jpegQuality
                    + " is out of range (1 to 100)");
        }
        crop = crop == null ? Optional.empty() : crop;
        if (crop.isPresent() && !crop.get().fitsIn(width, height)) {
            throw new IllegalArgumentException("camera " + id + ": crop " + crop.get()
                    + " does not fit in the " + width + "x" + height + " frame");
        }
    }

    /** The region of the captured frame this entry serves. */
    public CropRect region() {
        return crop.orElse(CropRect.whole(width, height));
    }
}
