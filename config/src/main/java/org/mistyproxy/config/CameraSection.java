package org.mistyproxy.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads one entry of a deployment's {@code cameras} list. */
final class CameraSection {
    static final List<String> FIELDS = List.of("id", "source", "width", "height", "fps", "crop", "jpeg_quality");
    static final int DEFAULT_WIDTH = 640;
    static final int DEFAULT_HEIGHT = 480;
    static final int DEFAULT_FPS = 15;
    static final int DEFAULT_JPEG_QUALITY = 80;
    static final int MAX_DIMENSION = 8192;
    /** Camera ids appear as a path segment of feed URLs, so they stay URL-safe. */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

    private static final Pattern DEVICE_INDEX = Pattern.compile("[0-9]+");
    private static final Pattern URL = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://.*");

    private final Scalars scalars;

    CameraSection(Scalars scalars) {
        this.scalars = scalars;
    }

    /** @param index the camera's position in its deployment's list, which URLs may use as its id */
    Optional<Camera> read(Node node, String path, int index, Uniqueness ids) {
        Optional<Fields> of = Fields.of(node, path, scalars, FIELDS);
        if (of.isEmpty()) {
            return Optional.empty();
        }
        Fields f = of.get();
        Optional<String> id = f.requiredString("id");
        id.ifPresent(v -> {
            Node at = f.get("id").orElseThrow();
            if (!ID.matcher(v).matches()) {
                scalars.problems().add(at.at(), f.path("id"), "must be 1 to 64 letters, digits, _ or - (it appears in URLs), got "
                        + Node.quote(v));
            } else if (v.chars().allMatch(Character::isDigit) && !v.equals(Integer.toString(index))) {
                // Cameras also answer to their position; a number naming another position would be ambiguous.
                scalars.problems().add(at.at(), f.path("id"), "a camera id made of digits must be the camera's own"
                        + " position in this list (" + index + "), because URLs may name cameras by position; got "
                        + Node.quote(v));
            } else {
                ids.claim(v, Node.quote(v), at.at(), f.path("id"), path);
            }
        });
        Optional<String> source = f.requiredString("source").map(this::resolveFile);
        int width = f.integer("width", 1, MAX_DIMENSION, DEFAULT_WIDTH);
        int height = f.integer("height", 1, MAX_DIMENSION, DEFAULT_HEIGHT);
        int fps = f.integer("fps", 1, 120, DEFAULT_FPS);
        int quality = f.integer("jpeg_quality", 1, 100, DEFAULT_JPEG_QUALITY);
        Optional<Crop> crop = f.get("crop").flatMap(n -> crop(n, f.path("crop"), width, height));
        if (id.isEmpty() || source.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Camera(id.get(), source.get(), width, height, fps, crop, quality));
    }

    /**
     * A source that is a relative file path (not {@code synthetic}, not a device index, not a URL) is
     * resolved against the config file's folder like every other path in the file, so that
     * {@code source: clips/lab.mp4} does not depend on the server's working directory.
     */
    private String resolveFile(String source) {
        boolean fileLike = !source.equals("synthetic") && !DEVICE_INDEX.matcher(source).matches()
                && !URL.matcher(source).matches() && !source.startsWith("file:");
        return fileLike ? scalars.resolve(source).map(Path::toString).orElse(source) : source;
    }

    private Optional<Crop> crop(Node node, String path, int width, int height) {
        Optional<List<Node>> items = scalars.list(node, path);
        if (items.isEmpty()) {
            return Optional.empty();
        }
        List<Node> xs = items.get();
        if (xs.size() != 4) {
            scalars.problems().add(node.at(), path, "must be [x0, y0, x1, y1], got " + xs.size()
                    + (xs.size() == 1 ? " value" : " values"));
            return Optional.empty();
        }
        int[] v = new int[4];
        boolean ok = true;
        for (int i = 0; i < 4; i++) {
            Optional<Integer> c = scalars.integer(xs.get(i), Problems.index(path, i), 0, MAX_DIMENSION);
            ok &= c.isPresent();
            v[i] = c.orElse(0);
        }
        if (!ok) {
            return Optional.empty();
        }
        // x1 and y1 are exclusive: the crop is empty unless they exceed x0 and y0, and may equal the frame size.
        ok &= within(xs.get(2), Problems.index(path, 2), "x1", v[2], v[0], "x0", width, "width");
        ok &= within(xs.get(3), Problems.index(path, 3), "y1", v[3], v[1], "y0", height, "height");
        return ok ? Optional.of(new Crop(v[0], v[1], v[2], v[3])) : Optional.empty();
    }

    private boolean within(Node at, String path, String name, int end, int start, String startName,
            int frame, String frameName) {
        if (end <= start) {
            scalars.problems().add(at.at(), path, "the crop is empty: " + name + " must be greater than " + startName
                    + " (" + start + "), got " + end);
            return false;
        }
        if (end > frame) {
            scalars.problems().add(at.at(), path, "the crop is outside the frame: " + name + " must be at most the "
                    + frameName + " (" + frame + "), got " + end);
            return false;
        }
        return true;
    }
}
