package org.mistyproxy.proxy.store;

import java.nio.file.Path;

/**
 * The data folder every durable store lives in, with how its files are opened: whether a damaged
 * line in the middle of a file is skipped ({@code serve --skip-damaged-journal-lines}) instead of
 * refusing to start, and the channels the files are written through (tests inject failing ones).
 * Built once at start-up, so that every store in the folder follows the same rules.
 */
public record DataFolder(Path dir, boolean skipDamaged, DurableLog.Channels channels) {
    /** Real files, refusing damaged lines. */
    public static DataFolder of(Path dir) {
        return new DataFolder(dir, false, DurableLog.Channels.REAL);
    }

    /** The path of the store file {@code name} in this folder. */
    public Path file(String name) {
        return dir.resolve(name);
    }
}
