package org.mistyproxy.proxy.audit;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.mistyproxy.config.Logs;
import org.mistyproxy.proxy.logs.FileLogs;
import org.mistyproxy.proxy.logs.LogText;
import org.slf4j.Logger;

/**
 * The audit log of policy decisions: every entry goes to {@code audit.jsonl} (one JSON object per
 * line, through Logback's asynchronous, rotating file appender: see {@link FileLogs}) and to a small
 * in-memory ring per instance that the log endpoint reads. {@link #record} is called on IO threads
 * and never touches the disk or blocks; what a borrower chose (path, reason quoting it, error) is
 * stored bounded ({@link LogText}). {@link #forget} releases an instance's ring when its loan ends.
 */
public final class AuditLog implements AutoCloseable {
    private final FileLogs logs;
    private final boolean ownsLogs;
    private final Logger file;
    private final int recentPerInstance;
    private final ConcurrentHashMap<String, RecentEntries> recent = new ConcurrentHashMap<>();
    private final AuditJson json = new AuditJson();

    /**
     * A log with its own files in {@code dataDir} (default rotation); closing it closes them.
     *
     * @param recentPerInstance how many entries per instance {@link #recent} can return
     */
    public AuditLog(Path dataDir, int recentPerInstance) {
        this(FileLogs.open(Logs.in(dataDir)), true, recentPerInstance);
    }

    /** A log writing to the server's {@code logs}; the server closes them. */
    public AuditLog(FileLogs logs, int recentPerInstance) {
        this(logs, false, recentPerInstance);
    }

    private AuditLog(FileLogs logs, boolean ownsLogs, int recentPerInstance) {
        if (recentPerInstance < 1) {
            throw new IllegalArgumentException("recentPerInstance must be at least 1, got " + recentPerInstance);
        }
        this.logs = logs;
        this.ownsLogs = ownsLogs;
        this.file = logs.audit();
        this.recentPerInstance = recentPerInstance;
    }

    /** The file entries are appended to. */
    public Path file() {
        return logs.dir().resolve("audit.jsonl");
    }

    /** Keeps the entry (bounded); never blocks. If the writer falls a whole queue behind, the file misses entries and counts them. */
    public void record(AuditEntry entry) {
        AuditEntry e = bounded(entry);
        RecentEntries ring = recent.get(e.instanceId());
        if (ring == null) {
            ring = recent.computeIfAbsent(e.instanceId(), k -> new RecentEntries(recentPerInstance));
        }
        ring.add(e);
        file.info("audit", e);
    }

    private static AuditEntry bounded(AuditEntry e) {
        String path = LogText.bounded(e.path(), LogText.PATH);
        String reason = LogText.bounded(e.reason(), LogText.REASON);
        String error = LogText.bounded(e.error(), LogText.REASON);
        String method = LogText.bounded(e.method(), 32);
        if (path == e.path() && reason == e.reason() && error == e.error() && method == e.method()) return e;
        return e.withText(method, path, reason, error);
    }

    /** The last {@code limit} entries of an instance (capped by the ring size), oldest first. */
    public List<AuditEntry> recent(String instanceId, int limit) {
        RecentEntries r = recent.get(instanceId);
        return r == null || limit <= 0 ? List.of() : r.last(limit);
    }

    /** {@code {"instance": iid, "entries": [...]}}, oldest first, for the log endpoint. */
    public byte[] recentJson(String instanceId, int limit) {
        return recentJson(instanceId, limit, 0);
    }

    /**
     * The newest {@code limit} entries with a {@code seq} above {@code after}, oldest first, each
     * with its {@code seq}, and the instance's totals: {@code {"instance", "entries", "next",
     * "requests", "blocked"}} ({@code next} is the seq to pass as {@code after} next time).
     */
    public byte[] recentJson(String instanceId, int limit, long after) {
        RecentEntries r = recent.get(instanceId);
        return json.recent(instanceId, r == null ? RecentEntries.Window.EMPTY : r.window(after, limit));
    }

    /** Drops the in-memory entries of an instance that ended; the file keeps them. */
    public void forget(String instanceId) {
        recent.remove(instanceId);
    }

    /** How many instances have a ring in memory. */
    public int instancesInMemory() {
        return recent.size();
    }

    /** Entries the file missed because the writer fell behind. */
    public long dropped() {
        return logs.dropped(FileLogs.AUDIT);
    }

    /** Writes what is queued and closes the file (when this log opened it). */
    @Override
    public void close() {
        if (ownsLogs) logs.close();
    }
}
