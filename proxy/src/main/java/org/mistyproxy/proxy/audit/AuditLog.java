package org.mistyproxy.proxy.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log of policy decisions: every entry goes to {@code audit.jsonl} in the data folder
 * (one JSON object per line, appended) and to a small in-memory ring per instance that the log
 * endpoint reads. {@link #record} is called on IO threads, so it never touches the disk: a single
 * writer thread drains a bounded queue and writes in batches.
 */
public final class AuditLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final int QUEUE_CAPACITY = 65_536;

    private final Path file;
    private final int recentPerInstance;
    private final ConcurrentHashMap<String, RecentEntries> recent = new ConcurrentHashMap<>();
    private final BlockingQueue<AuditEntry> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final AtomicLong dropped = new AtomicLong();
    private final AuditJson json = new AuditJson();
    private final OutputStream out;
    private final JsonGenerator lines;
    private final Thread writer;
    private volatile boolean closing;

    /**
     * @param dataDir           the server's data folder; {@code audit.jsonl} is created there
     * @param recentPerInstance how many entries per instance {@link #recent} can return
     */
    public AuditLog(Path dataDir, int recentPerInstance) {
        if (recentPerInstance < 1) {
            throw new IllegalArgumentException("recentPerInstance must be at least 1, got " + recentPerInstance);
        }
        this.file = dataDir.resolve("audit.jsonl");
        this.recentPerInstance = recentPerInstance;
        try {
            Files.createDirectories(dataDir);
            this.out = new BufferedOutputStream(Files.newOutputStream(
                    file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE), 64 * 1024);
            this.lines = json.lines(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open audit log " + file + ": " + e.getMessage(), e);
        }
        this.writer = new Thread(this::drain, "audit-writer");
        writer.setDaemon(true);
        writer.start();
    }

    /** The file entries are appended to. */
    public Path file() {
        return file;
    }

    /** Keeps the entry; never blocks. If the writer falls behind by 65,536 entries, the file misses some and says so. */
    public void record(AuditEntry entry) {
        RecentEntries ring = recent.get(entry.instanceId());
        if (ring == null) {
            ring = recent.computeIfAbsent(entry.instanceId(), k -> new RecentEntries(recentPerInstance));
        }
        ring.add(entry);
        if (!queue.offer(entry)) {
            dropped.incrementAndGet();
        }
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

    /** Entries the file missed because the writer fell behind. */
    public long dropped() {
        return dropped.get();
    }

    private void drain() {
        List<AuditEntry> batch = new ArrayList<>(1024);
        long reportedDrops = 0;
        while (true) {
            try {
                AuditEntry first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing) {
                        break;
                    }
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 1023);
                for (AuditEntry e : batch) {
                    json.writeLine(lines, e);
                }
                batch.clear();
                long d = dropped.get();
                if (d != reportedDrops) {
                    LOG.warn("event=audit_dropped count={} file={}", d - reportedDrops, file);
                    reportedDrops = d;
                }
                if (queue.isEmpty()) {
                    lines.flush(); // write when idle: bursts become one write, a quiet log is current
                }
            } catch (InterruptedException e) {
                break;
            } catch (IOException e) {
                LOG.error("event=audit_write_failed file={} error={}", file, e.toString());
                batch.clear();
            }
        }
        try {
            AuditEntry e;
            while ((e = queue.poll()) != null) {
                json.writeLine(lines, e);
            }
            lines.flush();
        } catch (IOException e) {
            LOG.error("event=audit_write_failed file={} error={}", file, e.toString());
        }
    }

    /** Writes what is queued and closes the file. */
    @Override
    public synchronized void close() {
        if (closing) {
            return;
        }
        closing = true;
        try {
            writer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            lines.close();
        } catch (IOException e) {
            LOG.warn("event=audit_close_failed file={} error={}", file, e.toString());
        }
    }
}
