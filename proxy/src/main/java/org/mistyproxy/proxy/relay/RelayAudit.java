package org.mistyproxy.proxy.relay;

import io.undertow.server.HttpServerExchange;
import java.net.InetSocketAddress;
import java.time.Instant;
import org.mistyproxy.policy.CanonicalRequest;
import org.mistyproxy.policy.PolicyDecision;
import org.mistyproxy.proxy.audit.AuditEntry;

/**
 * What the audit entry of one relayed request will say, filled in by {@link Admission} (the
 * decision, or the local rule that refused) and {@link UpstreamExchange} (the robot's status, what
 * went wrong), and written exactly once when the request ends. Used on the exchange's IO thread only.
 */
final class RelayAudit {
    private final RelayContext ctx;
    private final HttpServerExchange exchange;
    private final String instanceId;
    private final String rawPath;
    private final long startNanos = System.nanoTime();

    private String client;
    private PolicyDecision decision;
    private String localRule;
    private String localReason;
    private int upstreamStatus;
    private String error;
    private boolean written;

    RelayAudit(RelayContext ctx, HttpServerExchange exchange, String instanceId, String rawPath) {
        this.ctx = ctx;
        this.exchange = exchange;
        this.instanceId = instanceId;
        this.rawPath = rawPath;
    }

    void decided(PolicyDecision d) {
        decision = d;
    }

    /** A refusal (or answer) by the proxy itself, not by the policy's rules. */
    void local(String rule, String reason) {
        localRule = rule;
        localReason = reason;
    }

    /** A CORS preflight: answered by the proxy, and not a decision worth an audit entry. */
    void preflight() {
        written = true;
    }

    void upstreamStatus(int status) {
        upstreamStatus = status;
    }

    int upstreamStatus() {
        return upstreamStatus;
    }

    void error(String message) {
        error = message;
    }

    boolean failed() {
        return error != null;
    }

    String clientAddress() {
        if (client == null) {
            InetSocketAddress a = exchange.getSourceAddress();
            client = a == null ? "unknown" : a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        }
        return client;
    }

    /** Writes the entry, once: on completion, or when a connection had to be cut. */
    void write() {
        if (written) {
            return;
        }
        written = true;
        boolean allowed = decision != null && decision.allowed() && localRule == null;
        CanonicalRequest c = decision != null ? decision.canonical() : null;
        String path = c != null ? c.path() : rawPath;
        String method = c != null ? c.method() : exchange.getRequestMethod().toString();
        ctx.audit().record(new AuditEntry(
                Instant.now(), instanceId, clientAddress(), "http", method, path, allowed,
                decision != null ? decision.rule() : localRule,
                decision != null ? decision.reason() : localReason,
                exchange.getStatusCode(), upstreamStatus, (System.nanoTime() - startNanos) / 1000, error));
    }
}
