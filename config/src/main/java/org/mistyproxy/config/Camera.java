package org.mistyproxy.config;

import java.util.Optional;

/**
 * A camera as one deployment sees it. Several entries (in several deployments) may share one
 * {@code source}; they then share one capture loop, each with its own crop.
 *
 * @param id          the camera id in URLs ({@code /addon/cam/{iid}/{id}/img}), unique per deployment;
 *                    URLs may also give the camera's position {@code 0, 1, ...} instead
 * @param source      {@code synthetic}, a device ({@code /dev/video0} or an index such as {@code 0}),
 *                    or a stream / file URL or path understood by FFmpeg
 * @param width       requested capture width in pixels
 * @param height      requested capture height in pixels
 * @param fps         requested frames per second, 1 to 120
 * @param crop        the part of the frame this deployment sees; absent means the whole frame
 * @param jpegQuality default JPEG quality, 1 to 100
 */
public record Camera(
        String id,
        String source,
        int width,
        int height,
        int fps,
        Optional<Crop> crop,
        int jpegQuality) {

    /** A position such as {@code 0} or {@code 12} (no sign, no leading zero, at most 4 digits). */
    public static boolean isIndex(String s) {
        return s.matches("0|[1-9][0-9]{0,3}");
    }
}
