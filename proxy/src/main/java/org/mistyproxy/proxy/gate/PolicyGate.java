package org.mistyproxy.proxy.gate;

import io.undertow.io.Receiver;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;
import java.io.IOException;
import org.mistyproxy.policy.Policy;
import org.mistyproxy.policy.PolicyDecision;
import org.mistyproxy.policy.RequestCheck;
import org.mistyproxy.policy.RequestHead;

/**
 * The policy gate for one HTTP request on a proxy URL, in two phases: {@code policy.check} on the
 * head (raw path and query, a zero-copy view of the headers, the declared length); only if it
 * {@code needsBody()} is the body read (answering {@code Expect: 100-continue}), at most
 * {@code bodyLimit()} bytes, then {@code withBody} or {@code bodyTooLarge}. It ends in exactly one
 * call of its {@link Outcome}, on the exchange's IO thread; it never blocks. How long the body may
 * take is the caller's to bound ({@link Outcome#readingBody}).
 */
public final class PolicyGate {

    /** How the gate ended. */
    public interface Outcome {
        /** The policy decided; {@code bodyLimit} is the most it would read (for a later 413). */
        void decided(PolicyDecision decision, long bodyLimit);

        /** The policy threw: the caller fails closed. */
        void policyFailed(RuntimeException e);

        /** The client stopped sending the body the policy needed. */
        void clientGone(IOException e);

        /**
         * The policy needs the body and reading it starts now: the caller starts its deadline
         * (a client that stalls mid-body must not hold its connection and request for ever).
         * Any of the calls above may still come after the caller gave up; it ignores them.
         */
        void readingBody();
    }

    /**
     * The most of a refused body the proxy reads and throws away so the client sees the answer,
     * and so the server-wide entity cap while a body is read.
     */
    public static final long DISCARD_LIMIT = 64L << 20;

    private PolicyGate() {}

    /**
     * @param rawPath the path after the proxy prefix, as on the wire
     */
    public static void check(HttpServerExchange exchange, Policy policy, String instanceId, String rawPath, Outcome outcome) {
        String query = exchange.getQueryString();
        RequestHead head = new RequestHead(exchange.getRequestMethod().toString(), rawPath,
                query.isEmpty() ? null : query, new RequestHeaderView(exchange.getRequestHeaders()), declaredLength(exchange));
        RequestCheck check;
        try {
            check = policy.check(head, instanceId);
        } catch (RuntimeException e) {
            outcome.policyFailed(e);
            return;
        }
        if (check.needsBody()) {
            readBody(exchange, check, outcome);
        } else {
            outcome.decided(check.decision(), check.bodyLimit());
        }
    }

    /** The policy's view of the body: its declared length, 0 for none, -1 for chunked (unknown). */
    private static long declaredLength(HttpServerExchange exchange) {
        long length = exchange.getRequestContentLength();
        if (length >= 0) {
            return length;
        }
        return exchange.getRequestHeaders().contains(Headers.TRANSFER_ENCODING) ? -1 : 0;
    }

    private static void readBody(HttpServerExchange exchange, RequestCheck check, Outcome outcome) {
        long limit = check.bodyLimit();
        if (exchange.getRequestContentLength() > limit) {
            outcome.decided(check.bodyTooLarge(), limit);
            return;
        }
        // The receiver enforces the policy's limit and lets us answer 413; the server-wide cap
        // (which cuts the connection) must sit above it, with room to discard the rest.
        exchange.setMaxEntitySize(Math.max(limit + 1, DISCARD_LIMIT));
        outcome.readingBody();
        ExpectContinue.then(exchange, () -> {
            var receiver = exchange.getRequestReceiver();
            receiver.setMaxBufferSize((int) Math.min(Integer.MAX_VALUE, limit));
            // The receiver may call back through Undertow's root-handler wrapper, which ends the
            // exchange when the callback returns; dispatching on this thread keeps it open.
            receiver.receiveFullBytes((ex, bytes) -> ex.dispatch(SameThreadExecutor.INSTANCE, () -> {
                PolicyDecision d;
                try {
                    d = check.withBody(bytes);
                } catch (RuntimeException e) {
                    outcome.policyFailed(e);
                    return;
                }
                outcome.decided(d, limit);
            }), (ex, e) -> ex.dispatch(SameThreadExecutor.INSTANCE, () -> {
                // The receiver's own cap (the policy's limit) or the connection's entity cap.
                if (e instanceof Receiver.RequestToLargeException || e instanceof RequestTooBigException) {
                    outcome.decided(check.bodyTooLarge(), limit);
                } else {
                    outcome.clientGone(e); // the client stopped sending its body
                }
            }));
        }, outcome::clientGone);
    }
}
