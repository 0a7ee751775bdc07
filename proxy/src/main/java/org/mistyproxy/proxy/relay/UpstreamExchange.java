package org.mistyproxy.proxy.relay;

import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.ClientExchange;
import io.undertow.client.ClientResponse;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.RobotAddress;
import org.mistyproxy.policy.CanonicalRequest;
import org.mistyproxy.policy.PolicyDecision;
import org.mistyproxy.policy.Redaction;
import org.mistyproxy.proxy.gate.ExpectContinue;
import org.mistyproxy.proxy.gate.OriginGate;
import org.mistyproxy.proxy.relay.RelayMetrics.Failure;
import org.xnio.IoUtils;

/**
 * The second half of one request on a proxy URL, after {@link Admission} allowed it: a pooled
 * connection to the robot carries the canonical request ({@link ForwardedRequest}), retried once
 * on a new connection when a kept-alive one turns out dead, and the robot's answer is streamed back
 * (or buffered, capped, and redacted when the policy says so). One deadline at a time, watched by
 * the IO thread's {@link Deadlines}; runs entirely on the exchange's IO thread and never blocks.
 *
 * <p>Phases (the response side):
 * <pre>
 *   CONNECT ─► UPLOAD ─► WAIT ─► DOWNLOAD ─► COMPLETE ─► ENDED
 *      │          │        │         │           │
 *      └──────────┴────────┴─────────┴───────────┴─► FAILED ─► ENDED
 * </pre>
 * {@code UPLOAD} only for a body streamed unread; {@code COMPLETE}: the robot's answer is fully
 * read (the client may still be receiving it); {@code FAILED}: gave up (answered with 502/504 if
 * the response had not begun, else the client's connection cut); {@code ENDED}: the connection is
 * back in the pool (only from {@code COMPLETE} with the request fully sent) or closed, and the
 * audit entry written. Deadlines: connect in {@code CONNECT}, first byte in {@code WAIT}, idle
 * (no progress) in {@code UPLOAD}, {@code DOWNLOAD} and {@code COMPLETE}.
 */
final class UpstreamExchange extends Deadlines.Watched implements Pump.Observer {

    private enum Phase { CONNECT, UPLOAD, WAIT, DOWNLOAD, COMPLETE, FAILED, ENDED }

    /** What the request carries to the robot. */
    private enum Body { NONE, CANONICAL, STREAM }

    /** How the connection in use was obtained: only a reused one is worth one retry. */
    private enum Attempt { REUSED, FRESH, RETRY }

    /** On the answer to a leased command: how long the motion runs without a further request. */
    static final HttpString MOTION_LEASE = new HttpString("X-Motion-Lease-Ms");
    private static final HttpString EXPOSE_HEADERS = new HttpString("Access-Control-Expose-Headers");

    private final RelayContext ctx;
    private final HttpServerExchange exchange;
    private final Deployment deployment;
    private final PolicyDecision decision;
    private final RelayAudit audit;
    private final byte[] body;
    private final Body bodyKind;
    private final long bodyLimit;
    /** The motion lease to announce on the answer ({@code X-Motion-Lease-Ms}), or 0. */
    private final long leaseMs;

    private Phase phase = Phase.CONNECT;
    private Attempt attempt = Attempt.FRESH;
    /**
     * The request side, which can finish after the response has begun (a robot may answer before
     * reading an upload): the connection is reusable only when both sides are complete.
     */
    private boolean requestSent;
    private ClientConnection connection;
    private long lastActivity;
    private long sentNanos;
    private Pump requestPump;
    private Pump responsePump;
    private ResponseBuffer responseBuffer;

    /**
     * @param bodyLimit the policy's body limit, for the 413 of a streamed upload that exceeds it
     * @param leaseMs   the motion lease a leased command started, announced on the answer; 0 for none
     */
    UpstreamExchange(RelayContext ctx, HttpServerExchange exchange, Deployment deployment, PolicyDecision decision,
            long bodyLimit, RelayAudit audit, long leaseMs) {
        this.leaseMs = leaseMs;
        this.ctx = ctx;
        this.exchange = exchange;
        this.deployment = deployment;
        this.decision = decision;
        this.audit = audit;
        CanonicalRequest c = decision.canonical();
        this.body = c.body().orElse(null);
        this.bodyKind = body != null ? Body.CANONICAL : c.streamBody() ? Body.STREAM : Body.NONE;
        if (bodyKind == Body.STREAM && exchange.getRequestContentLength() >= 0) {
            // The policy checked the declared length against its cap; the server-wide entity cap
            // must not cut off what it allowed, and the length itself still bounds the upload.
            this.bodyLimit = exchange.getRequestContentLength();
            exchange.setMaxEntitySize(this.bodyLimit);
        } else {
            this.bodyLimit = bodyLimit;
            // a chunked upload (length unknown) streams under the policy's cap, not the server's 1 MiB
            if (bodyKind == Body.STREAM) exchange.setMaxEntitySize(bodyLimit);
        }
    }

    void start() {
        connect(false);
    }

    private boolean over() {
        return phase == Phase.FAILED || phase == Phase.ENDED;
    }

    // ---- connect and send -----------------------------------------------------------------

    private void connect(boolean retry) {
        phase = Phase.CONNECT;
        unwatch();
        RobotAddress robot = deployment.robot();
        ctx.pool().acquire(exchange.getIoThread(), robot, exchange.getConnection().getByteBufferPool(), retry,
                new UpstreamPool.Ready() {
                    @Override
                    public void connected(ClientConnection c, boolean wasReused) {
                        if (phase != Phase.CONNECT) {
                            ctx.pool().release(robot, c); // unused: we gave up waiting for it
                            return;
                        }
                        connection = c;
                        attempt = retry ? Attempt.RETRY : wasReused ? Attempt.REUSED : Attempt.FRESH;
                        unwatch();
                        send();
                    }

                    @Override
                    public void failed(IOException e) {
                        if (phase != Phase.CONNECT) {
                            return;
                        }
                        // The borrower is told what happened, not where the robot is (its address is
                        // the owner's) nor which exception said so (here or below): the server log has both.
                        ctx.log().warn("event=robot_unreachable robot={} error=\"{}\"", robot, e.toString());
                        fail(Failure.CONNECT_REFUSED, 502, e instanceof ConnectException ? "the robot refused the connection"
                                : "could not connect to the robot");
                    }
                });
        if (phase == Phase.CONNECT && connection == null) {
            // Only a new connection needs the timer: an idle one was handed over synchronously.
            arm(ctx.settings().connectTimeout().toNanos());
        }
    }

    private void send() {
        var req = ForwardedRequest.of(decision.canonical(), exchange, body, bodyKind == Body.STREAM,
                ctx.pool().authority(deployment.robot()), audit.clientAddress());
        if (decision.redaction() != null && !decision.redaction().isEmpty()) {
            // A byte range of an answer that is redacted could cut a secret out of its key: the
            // robot sends it whole, it is redacted whole, and the client gets it whole (200).
            req.getRequestHeaders().remove(Headers.RANGE);
            req.getRequestHeaders().remove(Headers.IF_RANGE);
        }
        sentNanos = System.nanoTime();
        // Callbacks from a connection we have already given up (a retry moved on) are ignored.
        ClientConnection sentOn = connection;
        connection.sendRequest(req, new ClientCallback<>() {
            @Override
            public void completed(ClientExchange cx) {
                if (connection == sentOn) {
                    upstreamStarted(cx, sentOn);
                }
            }

            @Override
            public void failed(IOException e) {
                if (connection == sentOn) {
                    upstreamBroke(e);
                }
            }
        });
    }

    private void upstreamStarted(ClientExchange cx, ClientConnection sentOn) {
        if (over()) {
            return;
        }
        cx.setResponseListener(new ClientCallback<>() {
            @Override
            public void completed(ClientExchange result) {
                if (connection == sentOn) {
                    onResponse(result);
                }
            }

            @Override
            public void failed(IOException e) {
                if (connection == sentOn) {
                    upstreamBroke(e);
                }
            }
        });
        switch (bodyKind) {
            case CANONICAL -> ForwardedRequest.writeBody(cx.getRequestChannel(), ByteBuffer.wrap(body), this::requestSent, this::upstreamBroke);
            case STREAM -> {
                phase = Phase.UPLOAD;
                lastActivity = System.nanoTime();
                arm(ctx.settings().idleTimeout().toNanos());
                ExpectContinue.then(exchange, () -> {
                    if (phase != Phase.UPLOAD) {
                        return;
                    }
                    requestPump = new Pump(exchange.getRequestChannel(), cx.getRequestChannel(),
                            exchange.getConnection().getByteBufferPool(), this);
                    requestPump.start();
                }, this::clientGone);
            }
            case NONE -> requestSent(); // without a body the client connection has already sent everything
        }
    }

    private void requestSent() {
        requestSent = true;
        if (phase == Phase.CONNECT || phase == Phase.UPLOAD) {
            phase = Phase.WAIT;
            arm(ctx.settings().firstByteTimeout().toNanos());
        }
    }

    /** The connection broke before the robot answered (or while sending). */
    private void upstreamBroke(IOException e) {
        if (over() || phase == Phase.COMPLETE || phase == Phase.DOWNLOAD && exchange.isResponseStarted()) {
            return;
        }
        if (attempt == Attempt.REUSED && bodyKind != Body.STREAM && audit.upstreamStatus() == 0
                && (!requestSent || ForwardedRequest.idempotent(decision.canonical().method()))) {
            // Most likely a kept-alive connection the robot had already closed: try once on a new
            // one. We still hold the body; like nginx, a non-idempotent request that was fully sent
            // is not repeated, since the robot may have acted on it.
            // Forget the broken connection before closing it: closing fails its pending exchange
            // at once, and that callback must not count as a second failure of this request.
            ClientConnection broken = connection;
            connection = null;
            requestSent = false;
            IoUtils.safeClose(broken);
            connect(true);
            return;
        }
        ctx.log().warn("event=robot_closed_early robot={} error=\"{}\"", deployment.robot(), e.toString());
        fail(Failure.UPSTREAM_CLOSED, 502, "robot closed the connection without answering");
    }

    // ---- the answer -----------------------------------------------------------------------

    private void onResponse(ClientExchange cx) {
        if (over()) {
            return;
        }
        ClientResponse response = cx.getResponse();
        audit.upstreamStatus(response.getResponseCode());
        ctx.metrics().upstreamAnswered(System.nanoTime() - sentNanos);
        phase = Phase.DOWNLOAD;
        lastActivity = System.nanoTime();
        unwatch();
        Redaction redaction = decision.redaction();
        boolean redact = redaction != null && !redaction.isEmpty();
        exchange.setStatusCode(response.getResponseCode());
        HopHeaders.copyResponse(response.getResponseHeaders(), exchange.getResponseHeaders(), !redact);
        OriginGate.decorate(exchange, deployment.corsOrigins());
        if (leaseMs > 0) {
            exchange.getResponseHeaders().put(MOTION_LEASE, leaseMs);
            if (OriginGate.origin(exchange) != null) {
                exchange.getResponseHeaders().put(EXPOSE_HEADERS, MOTION_LEASE.toString()); // readable by browser apps
            }
        }
        if (redact) {
            responseBuffer = new ResponseBuffer(cx.getResponseChannel(), ctx.settings().redactLimitBytes(),
                    exchange.getConnection().getByteBufferPool(), this::redactAndSend, this::redactionFailed);
            responseBuffer.start();
        } else {
            responsePump = new Pump(cx.getResponseChannel(), exchange.getResponseChannel(),
                    exchange.getConnection().getByteBufferPool(), this);
            responsePump.start();
        }
        if (responsePump != null && (phase == Phase.DOWNLOAD || phase == Phase.COMPLETE)) {
            // Most answers are small and already done here; only a transfer still running needs a watchdog.
            arm(ctx.settings().idleTimeout().toNanos());
        }
    }

    private void redactAndSend(byte[] json) {
        lastActivity = System.nanoTime();
        byte[] out;
        try {
            out = decision.redaction().apply(json);
        } catch (RuntimeException e) {
            // Fail closed: a response we cannot redact may hold the secret the owner wanted hidden.
            // (the parser's message may quote the response itself, secret included: not shown)
            ctx.log().warn("event=redaction_failed robot={} error=\"{}\"", deployment.robot(), e.getClass().getSimpleName());
            fail(Failure.REDACTION, 502, "robot's response could not be redacted (it is not the JSON the policy expects)");
            return;
        }
        phase = Phase.COMPLETE;
        unwatch();
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, out.length);
        exchange.getResponseSender().send(ByteBuffer.wrap(out));
    }

    private void redactionFailed(IOException e, boolean tooBig) {
        if (tooBig) {
            fail(Failure.REDACTION, 502, "robot's response is larger than " + ctx.settings().redactLimitBytes()
                    + " bytes and cannot be redacted");
        } else {
            ctx.log().warn("event=robot_response_broke_off robot={} error=\"{}\"", deployment.robot(), e.toString());
            fail(Failure.UPSTREAM_CLOSED, 502, "robot's response broke off");
        }
    }

    // ---- pumps ----------------------------------------------------------------------------

    @Override
    public void moved(Pump pump) {
        lastActivity = System.nanoTime();
    }

    @Override
    public void drained(Pump pump) {
        if (pump == responsePump && phase == Phase.DOWNLOAD) {
            phase = Phase.COMPLETE; // the robot's answer is complete: its connection can be kept
        }
    }

    @Override
    public void finished(Pump pump) {
        if (pump == requestPump) {
            requestSent();
        } else if (!over()) {
            // (Over already when the last flush completed the exchange: its completion listener
            // ran inside that flush and ended this one. Setting COMPLETE again would re-arm it.)
            phase = Phase.COMPLETE;
            unwatch();
            exchange.endExchange();
        }
    }

    @Override
    public void failed(Pump pump, IOException e, boolean readSide) {
        boolean clientSide = pump == requestPump ? readSide : !readSide;
        if (pump == requestPump && readSide && e instanceof RequestTooBigException && !exchange.isResponseStarted()) {
            fail(Failure.CLIENT_GONE, 413, "blocked: request body is larger than " + bodyLimit + " bytes");
        } else if (clientSide) {
            clientGone(e);
        } else if (pump == requestPump) {
            upstreamBroke(e);
        } else {
            // Headers are out: all we can do is cut the client's connection so it sees a short body.
            phase = Phase.FAILED;
            ctx.log().warn("event=robot_response_broke_off robot={} error=\"{}\"", deployment.robot(), e.toString());
            audit.error("robot's response broke off"); // (the borrower reads the audit: the exception stays in the server log)
            ctx.metrics().failed(Failure.UPSTREAM_CLOSED);
            cut();
        }
    }

    private void clientGone(IOException e) {
        if (over()) {
            return;
        }
        phase = Phase.FAILED;
        audit.error("client went away: " + e.getMessage());
        ctx.metrics().failed(Failure.CLIENT_GONE);
        cut();
    }

    /** Cuts the client's connection (its response cannot be completed) and the robot's. */
    private void cut() {
        end();
        IoUtils.safeClose(exchange.getConnection());
    }

    // ---- timer ----------------------------------------------------------------------------

    private void arm(long nanos) {
        if (over()) {
            return; // an ended exchange is never watched again: it would stay in the list for ever
        }
        watch(System.nanoTime() + nanos, ctx.deadlines().on(exchange.getIoThread()));
    }

    /** A phase took too long. */
    @Override
    void expired(long now) {
        RelaySettings s = ctx.settings();
        switch (phase) {
            case CONNECT -> {
                ctx.log().warn("event=robot_unreachable robot={} error=\"connect timeout\"", deployment.robot());
                fail(Failure.CONNECT_TIMEOUT, 504, "the robot did not accept a connection within "
                        + RelaySettings.words(s.connectTimeout()));
            }
            case WAIT -> fail(Failure.FIRST_BYTE_TIMEOUT, 504, "robot did not answer within "
                    + RelaySettings.words(s.firstByteTimeout()));
            case UPLOAD, DOWNLOAD, COMPLETE -> {
                long idle = s.idleTimeout().toNanos();
                if (now - lastActivity < idle) {
                    moveDeadline(lastActivity + idle); // it moved since: watch on from the last move
                } else {
                    // Either side may be the slow one; before the robot answers the client gets a
                    // 504, after it a cut connection.
                    fail(Failure.IDLE_TIMEOUT, 504, (phase == Phase.UPLOAD ? "request" : "response")
                            + " body made no progress for " + RelaySettings.words(s.idleTimeout()));
                }
            }
            default -> unwatch();
        }
    }

    /** Gives up on the robot: closes its connection and answers the client if it still can. */
    private void fail(Failure cause, int status, String message) {
        if (over()) {
            return;
        }
        phase = Phase.FAILED;
        audit.error(message);
        ctx.metrics().failed(cause);
        unwatch();
        stopTransfers();
        if (connection != null) {
            IoUtils.safeClose(connection);
        }
        if (exchange.isResponseStarted()) {
            cut();
        } else {
            Admission.answer(exchange, deployment, status, message);
        }
    }

    private void stopTransfers() {
        if (requestPump != null) {
            requestPump.stop();
        }
        if (responsePump != null) {
            responsePump.stop();
        }
        if (responseBuffer != null) {
            responseBuffer.stop();
        }
    }

    // ---- the end --------------------------------------------------------------------------

    /** Releases everything and audits, once: on completion, or when a connection had to be cut. */
    void end() {
        if (phase == Phase.ENDED) {
            return;
        }
        boolean reusable = phase == Phase.COMPLETE && requestSent;
        phase = Phase.ENDED;
        unwatch();
        stopTransfers();
        if (connection != null) {
            if (reusable && connection.isOpen()) {
                ctx.pool().release(deployment.robot(), connection);
            } else {
                IoUtils.safeClose(connection);
            }
            connection = null;
        }
        audit.write();
    }
}
