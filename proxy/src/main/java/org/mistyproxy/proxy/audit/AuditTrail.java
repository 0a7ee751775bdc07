package org.mistyproxy.proxy.audit;

/**
 * Read side of the relay's audit log, for {@code GET /addon/mistyproxy/{iid}/log?limit=N}.
 * Wired as {@code auditLog::recentJson}.
 */
@FunctionalInterface
public interface AuditTrail {

    /** {@code {"instance": iid, "entries": [...]}}, newest last, at most {@code limit} entries. */
    byte[] recentJson(String instanceId, int limit);
}
