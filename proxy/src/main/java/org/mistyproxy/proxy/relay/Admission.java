package org.mistyproxy.proxy.relay;

import io.undertow.io.IoCallback;
import io.undertow.io.Receiver;
import io.undertow.io.Sender;
import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.server.protocol.http.HttpContinue;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;
import java.io.IOException;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.policy.Policy;
import org.mistyproxy.policy.PolicyDecision;
import org.mistyproxy.policy.RequestCheck;
import org.mistyproxy.policy.RequestHead;
import org.mistyproxy.proxy.gate.MistyEnvelope;
import org.mistyproxy.proxy.gate.OriginGate;
import org.mistyproxy.proxy.relay.RelayMetrics.Failure;
import org.xnio.IoUtils;

/**
 * The first half of one request on a proxy URL: admission, ending in a decision. The origin rule
 * ({@link OriginGate}; preflights are answered here), then the policy in two phases: the head, and
 * only if the policy asks, the body (answering {@code Expect: 100-continue} ourselves), at most the
 * policy's limit. A refusal is answered here in Misty's envelope; an allowed request is handed to
 * its {@link UpstreamExchange}. Runs on the exchange's IO thread and never blocks.
 *
 * <p>Phases: {@code CHECK} (origin and the policy's look at the head) → {@code BODY} (reading the
 * body the policy needs) → {@code DECIDED} (refused and answered, or handed over); a client that
 * goes away while its body is read ends it in {@code DECIDED} too.
 */
final class Admission implements ExchangeCompletionListener {

    private enum Phase { CHECK, BODY, DECIDED }

    /** The most of a refused body the relay reads and throws away so the client sees the answer. */
    static final long DISCARD_LIMIT = 64L << 20;

    private final RelayContext ctx;
    private final HttpServerExchange exchange;
    private final String instanceId;
    private final Deployment deployment;
    private final Policy policy;
    private final String rawPath;
    private final RelayAudit audit;
    private Phase phase = Phase.CHECK;
    private UpstreamExchange upstream;

    Admission(RelayContext ctx, HttpServerExchange exchange, String instanceId, Deployment deployment,
            Policy policy, String rawPath) {
        this.ctx = ctx;
        this.exchange = exchange;
        this.instanceId = instanceId;
        this.deployment = deployment;
        this.policy = policy;
        this.rawPath = rawPath;
        this.audit = new RelayAudit(ctx, exchange, instanceId, rawPath);
    }

    void start() {
        exchange.addExchangeCompleteListener(this);
        String origin = OriginGate.origin(exchange);
        if (!OriginGate.allows(deployment.corsOrigins(), origin)) {
            refuse("cors_origins", 403, "blocked: origin " + origin + " is not in this deployment's cors_origins");
            return;
        }
        if (OriginGate.isPreflight(exchange)) {
            // Answered by the proxy: the robot never sees preflights, and they are not policy decisions.
            phase = Phase.DECIDED;
            audit.preflight();
            OriginGate.answerPreflight(exchange, deployment.corsOrigins());
            return;
        }
        String query = exchange.getQueryString();
        RequestHead head = new RequestHead(exchange.getRequestMethod().toString(), rawPath,
                query.isEmpty() ? null : query, new RequestHeaderView(exchange.getRequestHeaders()), declaredLength());
        RequestCheck check;
        try {
            check = policy.check(head, instanceId);
        } catch (RuntimeException e) {
            policyFailed(e);
            return;
        }
        if (check.needsBody()) {
            readBody(check);
        } else {
            decide(check.decision(), check.bodyLimit());
        }
    }

    /** The policy's view of the body: its declared length, 0 for none, -1 for chunked (unknown). */
    private long declaredLength() {
        long length = exchange.getRequestContentLength();
        if (length >= 0) {
            return length;
        }
        return exchange.getRequestHeaders().contains(Headers.TRANSFER_ENCODING) ? -1 : 0;
    }

    private void readBody(RequestCheck check) {
        long limit = check.bodyLimit();
        if (exchange.getRequestContentLength() > limit) {
            decide(check.bodyTooLarge(), limit);
            return;
        }
        phase = Phase.BODY;
        // The receiver enforces the policy's limit and lets us answer 413; the server-wide cap
        // (which cuts the connection) must sit above it, with room to discard the rest.
        exchange.setMaxEntitySize(Math.max(limit + 1, DISCARD_LIMIT));
        withContinue(exchange, () -> {
            var receiver = exchange.getRequestReceiver();
            receiver.setMaxBufferSize((int) Math.min(Integer.MAX_VALUE, limit));
            // The receiver may call back through Undertow's root-handler wrapper, which ends the
            // exchange when the callback returns; dispatching on this thread keeps it open.
            receiver.receiveFullBytes((ex, bytes) -> ex.dispatch(SameThreadExecutor.INSTANCE, () -> {
                PolicyDecision d;
                try {
                    d = check.withBody(bytes);
                } catch (RuntimeException e) {
                    policyFailed(e);
                    return;
                }
                decide(d, limit);
            }), (ex, e) -> ex.dispatch(SameThreadExecutor.INSTANCE, () -> {
                // The receiver's own cap (the policy's limit) or the connection's entity cap.
                if (e instanceof Receiver.RequestToLargeException || e instanceof RequestTooBigException) {
                    decide(check.bodyTooLarge(), limit);
                } else {
                    clientGone(e); // the client stopped sending its body
                }
            }));
        }, this::clientGone);
    }

    /** Runs {@code next} after answering {@code Expect: 100-continue}, which the robot never sees. */
    static void withContinue(HttpServerExchange exchange, Runnable next, java.util.function.Consumer<IOException> failed) {
        if (!HttpContinue.requiresContinueResponse(exchange)) {
            next.run();
            return;
        }
        HttpContinue.sendContinueResponse(exchange, new IoCallback() {
            @Override
            public void onComplete(HttpServerExchange ex, Sender sender) {
                ex.dispatch(SameThreadExecutor.INSTANCE, next);
            }

            @Override
            public void onException(HttpServerExchange ex, Sender sender, IOException e) {
                failed.accept(e);
            }
        });
    }

    private void decide(PolicyDecision d, long bodyLimit) {
        phase = Phase.DECIDED;
        audit.decided(d);
        ctx.metrics().decided(d.allowed());
        if (!d.allowed()) {
            if (d.httpStatus() == 413) {
                // Closing on a client that is still sending makes its kernel see a reset, and it
                // never reads the 413. So read and discard the rest (as nginx's lingering close
                // does) unless it is declared to be huge.
                if (exchange.getRequestContentLength() > DISCARD_LIMIT) {
                    exchange.setPersistent(false);
                } else if (exchange.isRequestChannelAvailable()) {
                    exchange.setMaxEntitySize(DISCARD_LIMIT); // (a body already being read has it set)
                }
            }
            answer(exchange, deployment, d.httpStatus(), d.reason());
            return;
        }
        upstream = new UpstreamExchange(ctx, exchange, deployment, d, bodyLimit, audit);
        upstream.start();
    }

    private void refuse(String rule, int status, String reason) {
        phase = Phase.DECIDED;
        audit.local(rule, reason);
        ctx.metrics().decided(false);
        answer(exchange, deployment, status, reason);
    }

    private void policyFailed(RuntimeException e) {
        // Fail closed: a policy that cannot decide lets nothing through.
        ctx.log().warn("event=policy_failed instance={} path={} error={}", instanceId, rawPath, e.toString());
        refuse("error", 500, "blocked: the policy could not decide: " + e.getMessage());
    }

    /** The client went away while its body was being read: there is nobody to answer. */
    private void clientGone(IOException e) {
        if (phase == Phase.DECIDED) {
            return;
        }
        phase = Phase.DECIDED;
        audit.error("client went away: " + e.getMessage());
        ctx.metrics().failed(Failure.CLIENT_GONE);
        audit.write();
        IoUtils.safeClose(exchange.getConnection());
    }

    /**
     * Answers with Misty's envelope and the deployment's CORS headers (the response has not
     * begun); headers copied from the robot, if any, are dropped.
     */
    static void answer(HttpServerExchange exchange, Deployment deployment, int status, String message) {
        exchange.getResponseHeaders().clear();
        MistyEnvelope.send(exchange, deployment.corsOrigins(), status, message);
    }

    @Override
    public void exchangeEvent(HttpServerExchange ex, NextListener next) {
        try {
            if (upstream != null) {
                upstream.end();
            }
            audit.write();
        } finally {
            next.proceed();
        }
    }
}
