package org.mistyproxy.proxy.ws;

import java.time.Instant;
import org.mistyproxy.policy.WsDecision;
import org.mistyproxy.proxy.audit.AuditEntry;
import org.mistyproxy.proxy.audit.AuditLog;

/** Puts {@code /pubsub} decisions in the same audit log as HTTP ones (channel "ws"). */
final class WsAudit {
    private final AuditLog log;

    WsAudit(AuditLog log) {
        this.log = log;
    }

    void decision(String instanceId, String client, String kind, WsDecision d, long startNanos) {
        log.record(new AuditEntry(Instant.now(), instanceId, client, "ws", kind, "/pubsub",
                d.allowed(), d.rule(), d.reason(), 0, 0, (System.nanoTime() - startNanos) / 1000, null));
    }

    void quotaRefused(String instanceId, String client, String kind, String reason) {
        String quota = reason.substring(0, Math.max(0, reason.indexOf(':')));
        log.record(new AuditEntry(Instant.now(), instanceId, client, "ws", kind, "/pubsub",
                false, quota, reason, 0, 0, 0, null));
    }

    void opened(String instanceId, String client) {
        log.record(new AuditEntry(Instant.now(), instanceId, client, "ws", "WS-OPEN", "/pubsub",
                true, null, "upgrade accepted", 101, 101, 0, null));
    }

    void refusedUpgrade(String instanceId, String client, int status, String rule, String reason, String error) {
        log.record(new AuditEntry(Instant.now(), instanceId, client, "ws", "WS-OPEN", "/pubsub",
                false, rule, reason, status, 0, 0, error));
    }

    void closed(String instanceId, String client, int code, String reason) {
        log.record(new AuditEntry(Instant.now(), instanceId, client, "ws", "WS-CLOSE", "/pubsub",
                true, null, reason, code, 0, 0, null));
    }
}
