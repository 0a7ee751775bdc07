package org.mistyproxy.proxy.instances;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small durable table kept as an append-only file of JSON lines in the data folder: one record
 * per line, the last line of a key winning. It is the instance {@link Journal}'s recipe made
 * reusable for the smaller tables (revoked API tokens, when each deployment was first seen):
 * <ul>
 *   <li>every append is forced to disk before it returns, so a change a client was told about
 *       survives {@code kill -9};</li>
 *   <li>an append that fails (a full disk) is cut back to the last whole line before the error is
 *       thrown, so the file never keeps half a record in its middle and the caller, which changes
 *       its memory only after the append returned, changes nothing;</li>
 *   <li>a torn last line (the process died mid-append; never acknowledged) is ignored on open, any
 *       other unreadable line is an error naming file and line;</li>
 *   <li>on open the file is compacted (one line per key) into a temporary file that is forced and
 *       renamed over the old one; the file is readable by its owner only.</li>
 * </ul>
 *
 * @param <T> the record type (a Jackson-readable record)
 */
public final class JsonLinesStore<T> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JsonLinesStore.class);

    private final Path file;
    private final ObjectMapper json;
    private final FileChannel channel;

    private JsonLinesStore(Path file, ObjectMapper json, FileChannel channel) {
        this.file = file;
        this.json = json;
        this.channel = channel;
    }

    /** What a store held when it was opened, in first-written order, one record per key. */
    public record Opened<T>(JsonLinesStore<T> store, List<T> records) {}

    /** Opens (creating if needed) {@code dataDir/name}; {@code key} says which records replace one another. */
    public static <T> Opened<T> open(Path dataDir, String name, Class<T> type, Function<T, ?> key) throws IOException {
        Files.createDirectories(dataDir);
        ObjectMapper json = JsonMapper.builder()
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
        Path file = dataDir.resolve(name);
        Map<Object, T> records = new LinkedHashMap<>();
        if (Files.exists(file)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.isBlank()) continue;
                try {
                    T r = json.readValue(line, type);
                    records.put(key.apply(r), r);
                } catch (IOException e) {
                    if (i != lines.size() - 1) {
                        throw new IOException(file + ":" + (i + 1) + ": unreadable line: " + e.getMessage(), e);
                    }
                    LOG.warn("event=store_torn_line file={} line={}", file.getFileName(), i + 1);
                }
            }
        }
        compact(dataDir, file, json, records.values());
        FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        return new Opened<>(new JsonLinesStore<>(file, json, ch), new ArrayList<>(records.values()));
    }

    /** Appends records as whole lines and forces them to disk; on failure the file is as it was. */
    @SafeVarargs
    public final synchronized void append(T... rs) {
        StringBuilder sb = new StringBuilder();
        try {
            for (T r : rs) sb.append(json.writeValueAsString(r)).append('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise a record for " + file.getFileName(), e);
        }
        long before;
        try {
            before = channel.size();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file.getFileName(), e);
        }
        try {
            ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) channel.write(buf);
            channel.force(false);
        } catch (IOException e) {
            try {
                channel.truncate(before);
                channel.force(false);
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            throw new UncheckedIOException("cannot write " + file.getFileName() + ": " + e.getMessage(), e);
        }
    }

    private static <T> void compact(Path dir, Path file, ObjectMapper json, Iterable<T> records) throws IOException {
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            StringBuilder sb = new StringBuilder();
            for (T r : records) sb.append(json.writeValueAsString(r)).append('\n');
            ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) ch.write(buf);
            ch.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(tmp); // a full disk must not leave a stray half file behind
            throw e;
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the data folder " + dir + " does not support atomic renames", e);
        }
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
