package org.mistyproxy.proxy.store;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link DurableLog} of JSON values, one per line: the file of each of the owner's decisions
 * (access rules, lock-outs, reservations, revoked tokens, deployment creation times). All the
 * crash and full-disk behaviour is the log's (forced before the caller changes its memory, a failed
 * write cut off again, a torn tail truncated on open, a damaged middle line refused with its
 * number); this class only turns values into lines and back.
 */
public final class JsonLines implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JsonLines.class);
    /** Strict about duplicate keys (a damaged line must not read as a different value), lenient about new fields. */
    public static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final DurableLog log;

    private JsonLines(DurableLog log) {
        this.log = log;
    }

    /** What was in the file when it was opened; the caller replays it, then calls {@link #compactOnStart}. */
    public record Opened(JsonLines file, List<JsonNode> lines) {}

    /** Opens (creating if needed) the file {@code name} in {@code folder}. */
    public static Opened open(DataFolder folder, String name) throws IOException {
        DurableLog.Opened opened = DurableLog.open(folder.file(name), JsonLines::readable, folder.skipDamaged(), folder.channels());
        List<JsonNode> values = new ArrayList<>(opened.lines().size());
        for (String line : opened.lines()) values.add(JSON.readTree(line));
        return new Opened(new JsonLines(opened.log()), values);
    }

    private static boolean readable(String line) {
        try {
            JSON.readTree(line);
            return true;
        } catch (JsonProcessingException e) {
            return false;
        }
    }

    /**
     * Rewrites the file as exactly {@code values} (the state replayed from it). A failure (a full
     * disk at start) is not fatal: the old file is whole and says the same thing, only longer.
     */
    public void compactOnStart(List<?> values) {
        try {
            log.rewrite(lines(values));
        } catch (ChangeNotStored e) {
            LOG.warn("event=store_compaction_skipped file={} reason=\"{}\"", log.file().getFileName(), e.getMessage());
        }
    }

    /**
     * Appends {@code value} as one line, forced to disk.
     *
     * @throws ChangeNotStored when it could not be made durable; the file is as it was
     */
    public void append(Object value) {
        log.append(line(value));
    }

    private static List<String> lines(List<?> values) {
        List<String> out = new ArrayList<>(values.size());
        for (Object v : values) out.add(line(v));
        return out;
    }

    private static String line(Object value) {
        try {
            return JSON.writeValueAsString(value); // Jackson escapes line breaks inside strings
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    @Override
    public void close() throws IOException {
        log.close();
    }
}
