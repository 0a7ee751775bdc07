package org.mistyproxy.config;

import java.util.HashMap;
import java.util.Map;

/**
 * Cameras that name the same {@code source} share one capture loop, so they must ask for the same
 * width, height and frame rate; anything else would be ambiguous. Crops and JPEG quality may differ.
 */
final class SharedSources {
    private record First(Camera camera, String path) {}

    private final Problems problems;
    private final Map<String, First> bySource = new HashMap<>();

    SharedSources(Problems problems) {
        this.problems = problems;
    }

    void add(Camera camera, Node.Position at, String path) {
        First first = bySource.putIfAbsent(camera.source(), new First(camera, path));
        if (first != null && (first.camera().width() != camera.width() || first.camera().height() != camera.height()
                || first.camera().fps() != camera.fps())) {
            problems.add(at, path, "shares source " + Node.quote(camera.source()) + " with " + first.path()
                    + " but asks for " + mode(camera) + " instead of " + mode(first.camera())
                    + "; cameras sharing a source must agree on width, height and fps");
        }
    }

    private static String mode(Camera c) {
        return c.width() + "x" + c.height() + " at " + c.fps() + " fps";
    }
}
