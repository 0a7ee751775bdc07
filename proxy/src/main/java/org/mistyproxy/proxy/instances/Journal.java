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
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable instance state: an append-only file of JSON lines ({@code instances.jsonl} in the data
 * folder), one full {@link InstanceRecord} per line, the last line of an id winning. Every append
 * is forced to disk before the change is acknowledged, so a {@code kill -9} loses nothing that a
 * client was told about. A crash mid-append leaves at most one torn last line, which the next
 * start ignores. On open the file is compacted (one line per instance) by writing a new file,
 * forcing it, and renaming it over the old one, then forcing the folder.
 *
 * <p>The file holds live proxy tokens, so it is created readable by its owner only.
 */
public final class Journal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    public static final String FILE = "instances.jsonl";

    private final Path file;
    private final ObjectMapper json;
    private final FileChannel channel;

    private Journal(Path file, ObjectMapper json, FileChannel channel) {
        this.file = file;
        this.json = json;
        this.channel = channel;
    }

    /** Opens (creating if needed) the journal in {@code dataDir} and returns it with the records it held. */
    public static Opened open(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        ObjectMapper json = JsonMapper.builder()
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
        Path file = dataDir.resolve(FILE);
        Map<String, InstanceRecord> records = new LinkedHashMap<>();
        if (Files.exists(file)) {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.isBlank()) continue;
                try {
                    InstanceRecord r = json.readValue(line, InstanceRecord.class);
                    records.put(r.id(), r);
                } catch (IOException e) {
                    if (i == lines.size() - 1) {
                        // The process died while appending; that change was never acknowledged.
                        LOG.warn("event=journal_torn_line file={} line={}", file, i + 1);
                    } else {
                        throw new IOException(file + ":" + (i + 1) + ": unreadable journal line: " + e.getMessage(), e);
                    }
                }
            }
        }
        compact(dataDir, file, json, records.values());
        FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        return new Opened(new Journal(file, json, ch), new ArrayList<>(records.values()));
    }

    public record Opened(Journal journal, List<InstanceRecord> records) {}

    /** Appends one record and forces it to disk. */
    public synchronized void append(InstanceRecord r) {
        try {
            byte[] line = (json.writeValueAsString(r) + "\n").getBytes(StandardCharsets.UTF_8);
            ByteBuffer buf = ByteBuffer.wrap(line);
            while (buf.hasRemaining()) channel.write(buf);
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void compact(Path dir, Path file, ObjectMapper json, Iterable<InstanceRecord> records) throws IOException {
        Path tmp = dir.resolve(FILE + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            StringBuilder sb = new StringBuilder();
            for (InstanceRecord r : records) sb.append(json.writeValueAsString(r)).append('\n');
            ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) ch.write(buf);
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the data folder " + dir + " does not support atomic renames", e);
        }
        forceDirectory(dir);
    }

    /** Makes the rename itself durable; some file systems cannot open a folder, which is then harmless. */
    private static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            if (!(e instanceof FileSystemException)) LOG.debug("event=dir_fsync_unsupported dir={}", dir);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        channel.close();
    }
}
