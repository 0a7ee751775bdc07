package org.mistyproxy.policy;

/**
 * The first phase of a decision: what the policy could decide from the request head alone. When
 * {@link #needsBody()} is true the proxy reads at most {@link #bodyLimit()} bytes and calls
 * {@link #withBody(byte[])}, or {@link #bodyTooLarge()} if the body is longer; otherwise
 * {@link #decision()} is final. A check is used for one request, by one thread.
 */
public final class RequestCheck {
    /** The second phase, for requests whose body must be read. */
    interface BodyPhase {
        PolicyDecision withBody(byte[] body);

        PolicyDecision tooLarge();
    }

    private final PolicyDecision decision;
    private final BodyPhase bodyPhase;
    private final long bodyLimit;

    private RequestCheck(PolicyDecision decision, BodyPhase bodyPhase, long bodyLimit) {
        this.decision = decision;
        this.bodyPhase = bodyPhase;
        this.bodyLimit = bodyLimit;
    }

    static RequestCheck decided(PolicyDecision decision) {
        return new RequestCheck(decision, null, 0);
    }

    static RequestCheck pending(BodyPhase phase, long bodyLimit) {
        return new RequestCheck(null, phase, bodyLimit);
    }

    /** True when the decision depends on the body: read it, then call {@link #withBody(byte[])}. */
    public boolean needsBody() {
        return bodyPhase != null;
    }

    /** The most bytes of body the proxy should read; one more means {@link #bodyTooLarge()}. */
    public long bodyLimit() {
        return bodyLimit;
    }

    /** The final decision when no body is needed. */
    public PolicyDecision decision() {
        if (bodyPhase != null) {
            throw new IllegalStateException("this request's decision needs its body: call withBody or bodyTooLarge");
        }
        return decision;
    }

    /** Decides with the body read in full (at most {@link #bodyLimit()} bytes). */
    public PolicyDecision withBody(byte[] body) {
        if (bodyPhase == null) {
            return decision;
        }
        if (body.length > bodyLimit) {
            return bodyPhase.tooLarge();
        }
        return bodyPhase.withBody(body);
    }

    /** Decides for a body longer than {@link #bodyLimit()}: a 413 refusal. */
    public PolicyDecision bodyTooLarge() {
        if (bodyPhase == null) {
            return decision;
        }
        return bodyPhase.tooLarge();
    }
}
