package org.mistyproxy.proxy.audit;

/**
 * Read side of the relay's audit log, for {@code GET /addon/mistyproxy/{iid}/log?limit=N}.
 * Wired as {@code auditLog::recentJson}.
 * {@code GET .../log?after=SEQ} is how a live view polls for what is new.
 */
@FunctionalInterface
public interface AuditTrail {

    /**
     * {@code {"instance": iid, "entries": [...], "next", "requests", "blocked"}}: at most {@code limit}
     * entries with a {@code seq} above {@code after} (0: from the start), newest last.
     */
    byte[] recentJson(String instanceId, int limit, long after);
}
