package org.mistyproxy.proxy.relay;

import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.policy.Policy;
import org.mistyproxy.policy.PolicyDecision;
import org.mistyproxy.proxy.gate.MistyEnvelope;
import org.mistyproxy.proxy.gate.OriginGate;
import org.mistyproxy.proxy.gate.PolicyGate;
import org.mistyproxy.proxy.logs.LogText;
import org.mistyproxy.proxy.relay.RelayMetrics.Failure;
import org.xnio.IoUtils;

/**
 * The first half of one request on a proxy URL: admission, ending in a decision. The origin rule
 * ({@link OriginGate}; preflights are answered here), then the policy ({@link PolicyGate}: the
 * head, and the body only if the policy asks). A refusal is answered here in Misty's envelope; an
 * allowed request is handed to its {@link UpstreamExchange}. Runs on the exchange's IO thread and
 * never blocks.
 *
 * <p>Phases: {@code CHECK} (origin, then the policy gate, which may read the body) →
 * {@code DECIDED} (refused and answered, handed over, or the client went away meanwhile). A body
 * the policy reads must arrive within {@link RelaySettings#bodyDeadline} (watched by the IO
 * thread's {@link Deadlines}): a client that stalls mid-body gets 408 and its connection is
 * closed, and the policy never decides, so nothing of it reaches the robot.
 */
final class Admission extends Deadlines.Watched implements ExchangeCompletionListener, PolicyGate.Outcome {

    private enum Phase { CHECK, DECIDED }

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
        PolicyGate.check(exchange, policy, instanceId, rawPath, this);
    }

    @Override
    public void readingBody() {
        watch(System.nanoTime() + ctx.settings().bodyDeadline().toNanos(), ctx.deadlines().on(exchange.getIoThread()));
    }

    /** The body the policy needed did not arrive in time: 408, and the connection is closed. */
    @Override
    void expired(long now) {
        unwatch();
        if (phase != Phase.CHECK) {
            return;
        }
        phase = Phase.DECIDED;
        String why = "request body not received within " + RelaySettings.words(ctx.settings().bodyDeadline());
        audit.local("body_deadline", why);
        ctx.metrics().failed(Failure.BODY_TIMEOUT);
        exchange.getResponseHeaders().clear();
        // Closed rather than ended: ending the exchange would first wait for the rest of the body.
        MistyEnvelope.sendThenClose(exchange, deployment.corsOrigins(), 408, why);
        audit.write(); // (the exchange may never complete: its connection is cut)
    }

    @Override
    public void decided(PolicyDecision d, long bodyLimit) {
        unwatch();
        if (phase == Phase.DECIDED) {
            return; // the body came after its deadline: answered with 408 already
        }
        phase = Phase.DECIDED;
        audit.decided(d);
        // The renewal link renewed a running motion lease as the request came in (safety.LeaseRenewalLink);
        // here an allowed leased command starts one and the borrower's own stop ends it.
        long leaseMs = ctx.leases().decided(instanceId, deployment, d);
        ctx.metrics().decided(d.allowed());
        if (!d.allowed()) {
            if (d.httpStatus() == 413) {
                // Closing on a client that is still sending makes its kernel see a reset, and it
                // never reads the 413. So read and discard the rest (as nginx's lingering close
                // does) unless it is declared to be huge.
                if (exchange.getRequestContentLength() > PolicyGate.DISCARD_LIMIT) {
                    exchange.setPersistent(false);
                } else if (exchange.isRequestChannelAvailable()) {
                    exchange.setMaxEntitySize(PolicyGate.DISCARD_LIMIT); // (a body already being read has it set)
                }
            }
            answer(exchange, deployment, d.httpStatus(), d.reason());
            return;
        }
        upstream = new UpstreamExchange(ctx, exchange, deployment, d, bodyLimit, audit, leaseMs);
        upstream.start();
    }

    @Override
    public void policyFailed(RuntimeException e) {
        unwatch();
        if (phase == Phase.DECIDED) {
            return;
        }
        // Fail closed: a policy that cannot decide lets nothing through.
        ctx.log().warn("event=policy_failed instance={} path={} error=\"{}\"", instanceId,
                LogText.bounded(rawPath, LogText.PATH), e.toString());
        // the exception (class names, internals) stays in the server log
        refuse("error", 500, "blocked: the policy could not decide (the server log has the details)");
    }

    /** The client went away while its body was being read: there is nobody to answer. */
    @Override
    public void clientGone(IOException e) {
        unwatch();
        if (phase == Phase.DECIDED) {
            return;
        }
        phase = Phase.DECIDED;
        audit.error("client went away: " + e.getMessage());
        ctx.metrics().failed(Failure.CLIENT_GONE);
        audit.write();
        IoUtils.safeClose(exchange.getConnection());
    }

    private void refuse(String rule, int status, String reason) {
        phase = Phase.DECIDED;
        audit.local(rule, reason);
        ctx.metrics().decided(false);
        answer(exchange, deployment, status, reason);
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
            unwatch();
            if (upstream != null) {
                upstream.end();
            }
            audit.write();
        } finally {
            next.proceed();
        }
    }
}
