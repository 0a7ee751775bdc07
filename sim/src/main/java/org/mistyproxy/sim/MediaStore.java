package org.mistyproxy.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The robot's image or audio assets. Uploaded files live on disk in the simulator's temp folder
 * (so a 20 MB upload streams in and out without sitting in the heap); the system assets a fresh
 * robot ships with are listed by name and their bytes generated when first asked for. File names
 * are compared without regard to case, as on the robot's file system.
 */
final class MediaStore {
    record Asset(String name, Path file, long size, int width, int height, boolean systemAsset) { }

    private final Path folder;
    private final Map<String, Asset> assets = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    MediaStore(Path folder, String kind) {
        this.folder = folder;
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> system = kind.equals("image")
                ? List.of("e_Admiration.jpg", "e_Amazement.jpg", "e_ContentLeft.jpg", "e_DefaultContent.jpg",
                        "e_Joy.jpg", "e_Sadness.jpg", "e_Sleeping.jpg", "e_Surprise.jpg")
                : List.of("s_Acceptance.wav", "s_Awe.wav", "s_Joy.wav", "s_PhraseHello.wav", "s_SystemSuccess.wav");
        for (String name : system) {
            assets.put(name, new Asset(name, null, 0, kind.equals("image") ? 480 : 0, kind.equals("image") ? 270 : 0, true));
        }
    }

    synchronized List<Asset> list() {
        return new ArrayList<>(assets.values());
    }

    synchronized Optional<Asset> find(String name) {
        return Optional.ofNullable(assets.get(name));
    }

    synchronized boolean exists(String name) {
        return assets.containsKey(name);
    }

    /** Stores a file; {@code body} is moved into the store, not copied. */
    interface Writer {
        void writeTo(Path target) throws IOException;
    }

    /** Writes a new asset; {@code dimensions} reads width and height from the written file. */
    Asset save(String name, Writer content, boolean overwrite, Function<Path, int[]> dimensions) throws IOException {
        checkName(name);
        synchronized (this) {
            Asset existing = assets.get(name);
            if (existing != null && existing.systemAsset()) {
                throw new BadArgument("Cannot overwrite the system asset '" + existing.name() + "'.");
            }
            if (existing != null && !overwrite) {
                throw new BadArgument("A file named '" + existing.name() + "' already exists; set OverwriteExisting to true.");
            }
        }
        Path target = folder.resolve("u-" + Long.toHexString(System.nanoTime()) + "-" + name.toLowerCase(Locale.ROOT));
        content.writeTo(target);
        int[] size = dimensions.apply(target);
        Asset asset = new Asset(name, target, Files.size(target), size[0], size[1], false);
        Asset replaced;
        synchronized (this) {
            replaced = assets.put(name, asset);
        }
        if (replaced != null && replaced.file() != null) {
            Files.deleteIfExists(replaced.file());
        }
        return asset;
    }

    boolean delete(String name) throws IOException {
        Asset a;
        synchronized (this) {
            a = assets.get(name);
            if (a == null) {
                return false;
            }
            if (a.systemAsset()) {
                throw new BadArgument("Cannot delete the system asset '" + a.name() + "'.");
            }
            assets.remove(name);
        }
        Files.deleteIfExists(a.file());
        return true;
    }

    private static void checkName(String name) {
        if (name.isBlank() || name.contains("/") || name.contains("\\") || name.contains("..")) {
            throw new BadArgument("Invalid file name '" + name + "'.");
        }
    }

    static String contentType(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.endsWith(".jpg") || n.endsWith(".jpeg")) {
            return "image/jpeg";
        } else if (n.endsWith(".png")) {
            return "image/png";
        } else if (n.endsWith(".gif")) {
            return "image/gif";
        } else if (n.endsWith(".wav")) {
            return "audio/wav";
        } else if (n.endsWith(".mp3")) {
            return "audio/mpeg";
        }
        return "application/octet-stream";
    }
}
