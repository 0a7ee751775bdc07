package org.mistyproxy.policy;

/**
 * The verdict on one request.
 *
 * @param allowed    whether the relay may forward {@link #canonical()}
 * @param httpStatus 200 when allowed; otherwise 403 (policy), 429 (rate limit) or 413 (body too large)
 * @param reason     a sentence for people and the audit log, e.g. {@code blocked: POST
 *                   /api/drive/time: LinearVelocity=40 is outside [-12, 12] (rule 3, misty-safe.yaml:31)}
 * @param rule       the part of the policy that decided: {@code "rule 3, misty-safe.yaml:31"},
 *                   {@code "default"} (no rule matched), or {@code "canonical form"} (the request was
 *                   refused as ambiguous before any rule was consulted)
 * @param canonical  what the relay forwards when allowed; when blocked, a best-effort description
 *                   for logs only
 * @param redaction  what to remove from the robot's JSON response before the client sees it
 * @param leased     allowed by a rule with {@code lease: motion}: the command moves the robot until
 *                   told otherwise, so the proxy leases it (stops the robot when the borrower goes quiet)
 */
public record PolicyDecision(
        boolean allowed, int httpStatus, String reason, String rule, CanonicalRequest canonical, Redaction redaction,
        boolean leased) {

    /** A decision that starts no motion lease. */
    public PolicyDecision(
            boolean allowed, int httpStatus, String reason, String rule, CanonicalRequest canonical, Redaction redaction) {
        this(allowed, httpStatus, reason, rule, canonical, redaction, false);
    }
}
