package org.mistyproxy.proxy.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A crash-safe, append-only file of text lines (one change per line), for any store whose state
 * must survive {@code kill -9}, power loss and a full disk:
 * <ul>
 *   <li>{@link #append} writes a whole line and forces it to disk before returning, so the caller
 *       makes the change visible (and acknowledges it) only once it is durable;</li>
 *   <li>if the write or the force fails (a full disk), the file is truncated back to its last
 *       complete line and {@link ChangeNotStored} is thrown: the caller leaves memory unchanged.
 *       If even the truncation fails, the next append truncates first, so a torn tail is never
 *       glued to the next line;</li>
 *   <li>{@link #open} truncates a torn last line (the process died mid-append: that change was
 *       never acknowledged) with a warning, and refuses a damaged line in the middle with its line
 *       number ({@link DamagedLine}) unless told to skip such lines;</li>
 *   <li>{@link #rewrite} (compaction) writes a new file, forces it, renames it over the old one and
 *       forces the folder: the old file stays whole until the new one is.</li>
 * </ul>
 * Thread-safe (appends are serialised). Files are created {@code rw-------}: stores may hold secrets.
 */
public final class DurableLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DurableLog.class);

    /** How the log opens its file for appending; tests substitute a channel that fails on cue. */
    @FunctionalInterface
    public interface Channels {
        FileChannel open(Path file) throws IOException;

        Channels REAL = f -> FileChannel.open(f, StandardOpenOption.WRITE);
    }

    /** The log and the complete lines it held (without their newlines), oldest first. */
    public record Opened(DurableLog log, List<String> lines) {}

    private final Path file;
    private final Channels channels;
    private FileChannel channel;
    /** Length of the file up to and including its last complete line. */
    private long good;
    /** A failed append may have left bytes past {@link #good} that a truncation has not removed yet. */
    private boolean dirtyTail;

    private DurableLog(Path file, Channels channels, FileChannel channel, long good) {
        this.file = file;
        this.channels = channels;
        this.channel = channel;
        this.good = good;
    }

    /** {@link #open(Path, Predicate, boolean, Channels)} with real files. */
    public static Opened open(Path file, Predicate<String> readable, boolean skipDamaged) throws IOException {
        return open(file, readable, skipDamaged, Channels.REAL);
    }

    /**
     * Opens (creating it and its folder if needed) the log at {@code file}.
     *
     * @param readable    whether a complete line can be understood by its store
     * @param skipDamaged skip unreadable lines in the middle (with a warning each) instead of refusing
     */
    public static Opened open(Path file, Predicate<String> readable, boolean skipDamaged, Channels channels) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        if (!Files.exists(file)) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            forceDirectory(dir);
        }
        byte[] bytes = Files.readAllBytes(file);
        List<String> lines = new ArrayList<>();
        int start = 0;
        int lineNo = 0;
        long good = 0;
        List<int[]> spans = new ArrayList<>();
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                spans.add(new int[] {start, i});
                start = i + 1;
            }
        }
        boolean tornFragment = start < bytes.length;
        for (int s = 0; s < spans.size(); s++) {
            lineNo = s + 1;
            int[] span = spans.get(s);
            String line = new String(bytes, span[0], span[1] - span[0], StandardCharsets.UTF_8);
            boolean last = s == spans.size() - 1 && !tornFragment;
            if (line.isBlank() || readable.test(line)) {
                if (!line.isBlank()) lines.add(line);
                good = span[1] + 1L;
                continue;
            }
            if (last) {
                // A complete but unreadable last line: the process died while the line was being
                // written (some file systems extend the file before its bytes land).
                tornFragment = true;
                break;
            }
            if (!skipDamaged) {
                throw new DamagedLine(file + ":" + lineNo + ": damaged line in the middle of the file (" + (span[1] - span[0])
                        + " bytes); restore the file from a backup, or start with --skip-damaged-journal-lines to drop it", lineNo);
            }
            LOG.warn("event=durable_log_line_skipped file={} line={} bytes={}", file, lineNo, span[1] - span[0]);
            good = span[1] + 1L;
        }
        FileChannel ch = channels.open(file);
        if (tornFragment || good < bytes.length) {
            LOG.warn("event=durable_log_torn_tail_truncated file={} kept_bytes={} dropped_bytes={}", file, good, bytes.length - good);
            ch.truncate(good);
            ch.force(true);
        }
        return new Opened(new DurableLog(file, channels, ch, good), lines);
    }

    /** The file this log writes. */
    public Path file() {
        return file;
    }

    /** Bytes of complete lines in the file. */
    public synchronized long size() {
        return good;
    }

    /**
     * Appends {@code line} (no newline in it) and forces it to disk.
     *
     * @throws ChangeNotStored when it could not be made durable; the file is back at its last complete line
     */
    public synchronized void append(String line) {
        if (line.indexOf('\n') >= 0 || line.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a durable log line cannot contain a line break");
        }
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            if (dirtyTail) {
                channel.truncate(good);
                dirtyTail = false;
            }
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            long pos = good;
            while (buf.hasRemaining()) pos += channel.write(buf, pos);
            channel.force(false);
            good += bytes.length;
        } catch (IOException e) {
            dirtyTail = true;
            boolean noSpace = noSpace(file, e);
            try {
                channel.truncate(good);
                dirtyTail = false;
            } catch (IOException t) {
                LOG.error("event=durable_log_truncate_failed file={} good_bytes={} error=\"{}\"", file, good, t.toString());
            }
            try {
                channel.force(false); // best effort: the truncation is repeated before the next append anyway
            } catch (IOException ignored) {
                dirtyTail = true;
            }
            LOG.error("event=durable_log_append_failed file={} bytes={} no_space={} error=\"{}\"", file, bytes.length, noSpace, e.toString());
            throw new ChangeNotStored("cannot append to " + file + ": " + e.getMessage(), noSpace, e);
        }
    }

    /**
     * Replaces the whole file with {@code lines} (compaction): writes {@code file.tmp}, forces it,
     * renames it over the file and forces the folder. On failure the old file is untouched.
     *
     * @throws ChangeNotStored when the new file could not be made durable
     */
    public synchronized void rewrite(Iterable<String> lines) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        long size = 0;
        try {
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (FileChannel ch = channels.open(tmp)) {
                StringBuilder sb = new StringBuilder();
                for (String l : lines) sb.append(l).append('\n');
                ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
                size = buf.remaining();
                long pos = 0;
                while (buf.hasRemaining()) pos += ch.write(buf, pos);
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the folder of " + file + " does not support atomic renames", e);
            }
            forceDirectory(file.toAbsolutePath().getParent());
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the temporary file is rewritten next time
            }
            LOG.error("event=durable_log_rewrite_failed file={} error=\"{}\"", file, e.toString());
            throw new ChangeNotStored("cannot rewrite " + file + ": " + e.getMessage(), noSpace(file, e), e);
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // the old file is gone from the folder; its channel only needs releasing
        }
        try {
            channel = channels.open(file);
        } catch (IOException e) {
            throw new IllegalStateException("cannot reopen " + file + " after compaction: " + e.getMessage(), e);
        }
        good = size;
        dirtyTail = false;
    }

    static boolean noSpace(Path file, IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.toLowerCase(Locale.ROOT).contains("no space left") || m.toLowerCase(Locale.ROOT).contains("quota"))) {
                return true;
            }
        }
        try {
            return Files.getFileStore(file).getUsableSpace() < 64 * 1024;
        } catch (IOException | RuntimeException ignored) {
            return false;
        }
    }

    /** Makes a create or rename durable; some file systems cannot open a folder, which is then harmless. */
    static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("event=dir_fsync_unsupported dir={}", dir);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }
}
