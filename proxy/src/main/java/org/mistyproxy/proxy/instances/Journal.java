package org.mistyproxy.proxy.instances;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mistyproxy.proxy.store.ChangeNotStored;
import org.mistyproxy.proxy.store.DataFolder;
import org.mistyproxy.proxy.store.DurableLog;
import org.mistyproxy.proxy.store.JsonLines;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable instance state: {@code instances.jsonl} in the data folder, a {@link DurableLog} of JSON
 * lines, one {@link InstanceRecord} per change, the last line of an id winning. Every append is
 * forced to disk before the change is visible or acknowledged; a failed append (full disk) leaves
 * the file at its last complete line and throws {@link ChangeNotStored}. {@code eurl} is written
 * once, with the instance's first line, and carried over on replay (it never changes). On open the
 * file is compacted to one line per instance, and instances that ended more than the retention
 * period ago are left out.
 *
 * <p>The file holds live proxy tokens, so it is created readable by its owner only.
 */
public final class Journal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    public static final String FILE = "instances.jsonl";

    private final DurableLog log;
    private final ObjectMapper json;

    private Journal(DurableLog log, ObjectMapper json) {
        this.log = log;
        this.json = json;
    }

    /**
     * Opens (creating if needed) the journal in {@code folder} and returns it with its records.
     *
     * @param forgetEndedBefore records that ended (TERMINATED or INIT_FAIL) before this time (epoch
     *                          ms) are dropped from memory and from the compacted file
     */
    public static Opened open(DataFolder folder, long forgetEndedBefore) throws IOException {
        ObjectMapper json = JsonLines.JSON;
        DurableLog.Opened opened = DurableLog.open(folder.file(FILE), line -> parse(json, line) != null, folder.skipDamaged(),
                folder.channels());
        Map<String, InstanceRecord> records = new LinkedHashMap<>();
        for (String line : opened.lines()) {
            InstanceRecord r = parse(json, line);
            InstanceRecord before = records.get(r.id());
            if (before != null && r.eurl() == null && before.eurl() != null) r = r.withEurl(before.eurl());
            records.put(r.id(), r);
        }
        int forgotten = 0;
        for (var it = records.values().iterator(); it.hasNext(); ) {
            InstanceRecord r = it.next();
            if (r.terminated() && r.endMillis() != null && r.endMillis() < forgetEndedBefore) {
                it.remove();
                forgotten++;
            }
        }
        if (forgotten > 0) LOG.info("event=journal_retention_forgot instances={}", forgotten);
        Journal j = new Journal(opened.log(), json);
        try {
            j.compact(records.values());
        } catch (ChangeNotStored e) {
            // A full disk must not keep the server from starting: the file is whole (its torn tail,
            // if any, was truncated), only longer than it needs to be until the next compaction.
            LOG.warn("event=journal_compaction_postponed no_space={}", e.noSpace());
        }
        return new Opened(j, new ArrayList<>(records.values()));
    }

    private static InstanceRecord parse(ObjectMapper json, String line) {
        try {
            InstanceRecord r = json.readValue(line, InstanceRecord.class);
            return r.id() == null || r.status() == null || r.deployment() == null ? null : r;
        } catch (IOException e) {
            return null;
        }
    }

    public record Opened(Journal journal, List<InstanceRecord> records) {}

    /**
     * Appends one record and forces it to disk.
     *
     * @param first whether this is the instance's first record (only that one carries {@code eurl})
     * @throws ChangeNotStored when it could not be made durable (nothing was written)
     */
    void append(InstanceRecord r, boolean first) {
        log.append(line(first ? r : r.withEurl(null)));
    }

    /** Rewrites the file with one line per record. */
    void compact(Iterable<InstanceRecord> records) {
        List<String> lines = new ArrayList<>();
        for (InstanceRecord r : records) lines.add(line(r));
        log.rewrite(lines);
    }

    /** Bytes of the journal file. */
    long size() {
        return log.size();
    }

    private String line(InstanceRecord r) {
        try {
            return json.writeValueAsString(r);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e); // a record of strings and numbers always serialises
        }
    }

    @Override
    public void close() throws IOException {
        log.close();
    }
}
