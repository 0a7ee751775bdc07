package org.mistyproxy.proxy.relay;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.SameThreadExecutor;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.policy.Policy;
import org.mistyproxy.proxy.audit.AuditLog;
import org.mistyproxy.proxy.safety.MotionLease;
import org.slf4j.LoggerFactory;

/**
 * The HTTP relay: everything under a proxy URL except the {@code /pubsub} WebSocket. Each
 * request is checked by the deployment's policy (two-phase: the body is read only when the
 * policy asks, capped at its limit); a refusal is answered in Misty's error envelope; an allowed
 * request is forwarded in its canonical form over a pooled keep-alive connection, and the
 * robot's answer streamed back (redacted when the policy says so). CORS preflights are answered
 * here. Every decision goes to the audit log.
 *
 * <p>Non-blocking throughout: call {@link #relay} on an IO thread (or any thread; it moves itself
 * to the exchange's IO thread).
 */
public final class HttpRelay implements AutoCloseable {
    private final RelayContext ctx;

    public HttpRelay(RelaySettings settings, AuditLog audit, MeterRegistry metrics) {
        this(settings, audit, metrics, MotionLease.NONE);
    }

    /** {@code leases} hears of every decision (renewal, leased commands); see safety.MotionLeases. */
    public HttpRelay(RelaySettings settings, AuditLog audit, MeterRegistry metrics, MotionLease leases) {
        UpstreamPool pool = new UpstreamPool(settings.idlePerRobot(), settings.keepAlive());
        Deadlines deadlines = new Deadlines();
        this.ctx = new RelayContext(settings, pool, deadlines, new RelayMetrics(metrics, pool), audit,
                LoggerFactory.getLogger(HttpRelay.class), leases);
        Gauge.builder("mistyproxy.relay.deadlines.watched", deadlines, Deadlines::watched)
                .description("Relayed requests waiting on a timeout now (0 when idle)").register(metrics);
    }

    /**
     * Relays one request.
     *
     * @param exchange   the request; its query string is the raw query
     * @param instanceId the instance whose proxy URL this is
     * @param deployment the robot it reaches and its CORS origins
     * @param policy     the deployment's policy
     * @param rawPath    the path after the proxy prefix, as on the wire, starting with {@code /}
     */
    public void relay(HttpServerExchange exchange, String instanceId, Deployment deployment, Policy policy, String rawPath) {
        Admission r = new Admission(ctx, exchange, instanceId, deployment, policy, rawPath);
        // Dispatching (rather than returning) keeps Undertow from ending the exchange when the
        // handler returns; SameThreadExecutor runs it right after, on this IO thread.
        exchange.dispatch(exchange.isInIoThread() ? SameThreadExecutor.INSTANCE : exchange.getIoThread(), r::start);
    }

    /** Requests waiting on a relay deadline now (0 when idle). */
    int watchedDeadlines() {
        return ctx.deadlines().watched();
    }

    /** Robot connections open now (in use or kept alive). */
    int upstreamConnections() {
        return ctx.pool().openConnections();
    }

    /** Robot connections opened since start. */
    long upstreamConnectionsOpened() {
        return ctx.pool().openedConnections();
    }

    /** Closes the kept-alive robot connections. */
    @Override
    public void close() {
        ctx.deadlines().close();
        ctx.pool().close();
    }
}
