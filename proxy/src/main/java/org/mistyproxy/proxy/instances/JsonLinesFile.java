package org.mistyproxy.proxy.instances;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.mistyproxy.proxy.store.ChangeNotStored;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable store of the owner's decisions (access rules, lock-outs, reservations): one
 * append-only file of JSON lines per kind, each line forced to disk before the caller changes its
 * memory, so that a change a client was told about survives {@code kill -9}. A write that fails
 * (full disk) throws and is cut off the file again, so memory and disk both stay as they were. A
 * torn last line (the process died mid-append, before anyone was told) is ignored on open; the file
 * is then rewritten from the caller's current state (write, force, atomic rename, force folder).
 */
public final class JsonLinesFile implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JsonLinesFile.class);
    public static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final Path dir;
    private final Path file;
    private FileChannel channel;

    private JsonLinesFile(Path dir, Path file) {
        this.dir = dir;
        this.file = file;
    }

    /** What was in the file when it was opened; the caller replays it, then calls {@link #rewrite}. */
    public record Opened(JsonLinesFile file, List<JsonNode> lines) {}

    public static Opened open(Path dataDir, String name) throws IOException {
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve(name);
        List<JsonNode> lines = new ArrayList<>();
        if (Files.exists(file)) {
            List<String> text = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < text.size(); i++) {
                if (text.get(i).isBlank()) continue;
                try {
                    lines.add(JSON.readTree(text.get(i)));
                } catch (IOException e) {
                    if (i != text.size() - 1) throw new IOException(file + ":" + (i + 1) + ": unreadable line: " + e.getMessage(), e);
                    LOG.warn("event=store_torn_line file={} line={}", file.getFileName(), i + 1);
                }
            }
        }
        return new Opened(new JsonLinesFile(dataDir, file), lines);
    }

    /** Replaces the file by exactly {@code lines} (compaction on start); opens it for appending. */
    public synchronized void rewrite(List<?> lines) throws IOException {
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            StringBuilder sb = new StringBuilder();
            for (Object l : lines) sb.append(JSON.writeValueAsString(l)).append('\n');
            ByteBuffer buf = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) ch.write(buf);
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("event=dir_fsync_unsupported dir={}", dir);
        }
        if (channel != null) channel.close();
        channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    /** Appends one line and forces it to disk; on failure the file is as before and this throws. */
    public synchronized void append(Object line) {
        long before = -1;
        try {
            byte[] bytes = (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
            before = channel.size();
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) channel.write(buf);
            channel.force(false);
        } catch (IOException e) {
            if (before >= 0) {
                try {
                    channel.truncate(before);
                } catch (IOException t) {
                    e.addSuppressed(t);
                }
            }
            LOG.error("event=store_append_failed file={} error=\"{}\"", file, e.toString());
            // the API answers 503 "cannot store the change: ..." (no path); the path is in this log line
            throw ChangeNotStored.writing(file, e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        if (channel != null) channel.close();
    }
}
