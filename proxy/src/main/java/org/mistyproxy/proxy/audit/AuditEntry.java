package org.mistyproxy.proxy.audit;

import java.time.Instant;

/**
 * One decision about one request (or WebSocket message) of one instance. Holds no secrets: no
 * tokens, no bodies, only the canonical path the policy decided on.
 *
 * @param time           when the decision was made
 * @param instanceId     the instance whose proxy URL was used
 * @param client         the client's address, without port
 * @param channel        {@code "http"}, {@code "ws"}, or {@code "safety"} for a command mistyproxy sent
 *                       to the robot itself (a lapsed motion lease, a lifecycle action, the owner's halt)
 * @param method         the HTTP verb; for WebSocket entries {@code WS-OPEN}, {@code WS-TEXT},
 *                       {@code WS-BINARY} or {@code WS-CLOSE}
 * @param path           the canonical path (for {@code ws}: {@code /pubsub})
 * @param allowed        the policy's verdict
 * @param rule           the deciding rule, e.g. {@code rule 3, misty-safe.yaml:31} or {@code default}
 * @param reason         the policy's reason, in words
 * @param status         the status the client got, 0 when not applicable
 * @param upstreamStatus the robot's status, 0 when the robot did not answer (or was not asked)
 * @param latencyMicros  from the request's arrival to the end of the answer
 * @param error          why relaying failed (timeout, refused connection), or {@code null}
 * @param trigger        for {@code safety} entries, what made mistyproxy act: {@code lease}, {@code socket},
 *                       {@code on_end}, {@code on_ready}, {@code halt}, {@code shutdown}; otherwise {@code null}
 */
public record AuditEntry(
        Instant time,
        String instanceId,
        String client,
        String channel,
        String method,
        String path,
        boolean allowed,
        String rule,
        String reason,
        int status,
        int upstreamStatus,
        long latencyMicros,
        String error,
        String trigger) {

    /** An entry about a borrower's own request or message (no trigger). */
    public AuditEntry(Instant time, String instanceId, String client, String channel, String method, String path,
            boolean allowed, String rule, String reason, int status, int upstreamStatus, long latencyMicros, String error) {
        this(time, instanceId, client, channel, method, path, allowed, rule, reason, status, upstreamStatus, latencyMicros,
                error, null);
    }

    /**
     * This entry with its free text (what a borrower can make long) replaced and every other field
     * kept as it is, {@code trigger} included: the one place that knows which fields those are.
     */
    AuditEntry withText(String method, String path, String reason, String error) {
        return new AuditEntry(time, instanceId, client, channel, method, path, allowed, rule, reason, status, upstreamStatus,
                latencyMicros, error, trigger);
    }
}
