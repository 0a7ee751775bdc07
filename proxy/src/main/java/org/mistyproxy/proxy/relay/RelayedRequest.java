package org.mistyproxy.proxy.relay;

import io.undertow.client.ClientCallback;
import io.undertow.client.ClientConnection;
import io.undertow.client.ClientExchange;
import io.undertow.client.ClientRequest;
import io.undertow.client.ClientResponse;
import io.undertow.io.IoCallback;
import io.undertow.io.Receiver;
import io.undertow.io.Sender;
import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.server.protocol.http.HttpContinue;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.SameThreadExecutor;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.RobotAddress;
import org.mistyproxy.policy.CanonicalRequest;
import org.mistyproxy.policy.Policy;
import org.mistyproxy.policy.PolicyDecision;
import org.mistyproxy.policy.Redaction;
import org.mistyproxy.policy.RequestCheck;
import org.mistyproxy.policy.RequestHead;
import org.mistyproxy.proxy.audit.AuditEntry;
import org.mistyproxy.proxy.relay.RelayMetrics.Failure;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSinkChannel;

/**
 * One request on a proxy URL, from the policy's decision to the end of the robot's answer. Runs
 * entirely on the exchange's IO thread, as a small state machine driven by channel callbacks and
 * one deadline (watched by its IO thread's {@link Deadlines}), and never blocks.
 *
 * <p>Phases: the policy decides (reading the body only if it asks, capped at its limit); a
 * refusal is answered here; otherwise a pooled connection to the robot carries the canonical
 * request, and the robot's answer is streamed back (or buffered, capped, when the policy redacts
 * it). Every end, good or bad, passes through {@link #exchangeEvent}, which audits once.
 */
final class RelayedRequest implements Deadlines.Watched, ExchangeCompletionListener, Pump.Observer {

    private enum Phase { POLICY, CONNECT, UPLOAD, WAIT, DOWNLOAD, DONE }

    private static final HttpString X_FORWARDED_FOR = Headers.X_FORWARDED_FOR;
    /** On the answer to a leased command: how long the motion runs without a further request. */
    static final HttpString MOTION_LEASE = new HttpString("X-Motion-Lease-Ms");
    /** The most of a refused body the relay reads and throws away so the client sees the answer. */
    private static final long DISCARD_LIMIT = 64L << 20;

    private final RelayContext ctx;
    private final HttpServerExchange exchange;
    private final String instanceId;
    private final Deployment deployment;
    private final Policy policy;
    private final String rawPath;
    private final long startNanos = System.nanoTime();

    private String origin;
    private String client;
    private PolicyDecision decision;
    private long leaseMs;
    private String localRule;
    private String localReason;
    private Phase phase = Phase.POLICY;
    private Deadlines.OnThread deadlines;
    private int slot = -1;
    private long deadline = Long.MAX_VALUE;
    private long lastActivity;

    private long bodyLimit;
    private byte[] body;
    private boolean streamBody;
    private boolean retried;
    private ClientConnection connection;
    private boolean reused;
    private ClientExchange upstream;
    private long sentNanos;
    private int upstreamStatus;
    private boolean requestSent;
    private boolean responseRead;
    private Pump requestPump;
    private Pump responsePump;
    private ResponseBuffer responseBuffer;
    private String error;
    private boolean ended;

    RelayedRequest(RelayContext ctx, HttpServerExchange exchange, String instanceId, Deployment deployment,
            Policy policy, String rawPath) {
        this.ctx = ctx;
        this.exchange = exchange;
        this.instanceId = instanceId;
        this.deployment = deployment;
        this.policy = policy;
        this.rawPath = rawPath;
    }

    // ---- policy ---------------------------------------------------------------------------

    void start() {
        exchange.addExchangeCompleteListener(this);
        origin = exchange.getRequestHeaders().getFirst(Headers.ORIGIN);
        if (!Cors.allows(deployment.corsOrigins(), origin)) {
            refuseLocally("cors_origins", "blocked: origin " + origin + " is not in this deployment's cors_origins");
            return;
        }
        if (Cors.isPreflight(exchange)) {
            // Answered by the proxy: the robot never sees preflights, and they are not policy decisions.
            localRule = "cors";
            localReason = "preflight answered by the proxy";
            phase = Phase.DONE;
            Cors.answerPreflight(exchange, deployment.corsOrigins(), origin);
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
        bodyLimit = check.bodyLimit();
        if (check.needsBody()) {
            readBody(check);
        } else {
            decide(check.decision());
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
            decide(check.bodyTooLarge());
            return;
        }
        // The receiver enforces the policy's limit and lets us answer 413; the server-wide cap
        // (which cuts the connection) must sit above it, with room to discard the rest.
        exchange.setMaxEntitySize(Math.max(limit + 1, DISCARD_LIMIT));
        withContinue(() -> {
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
                decide(d);
            }), (ex, e) -> ex.dispatch(SameThreadExecutor.INSTANCE, () -> {
                // The receiver's own cap (the policy's limit) or the connection's entity cap.
                if (e instanceof Receiver.RequestToLargeException || e instanceof RequestTooBigException) {
                    decide(check.bodyTooLarge());
                } else {
                    clientGone(e); // the client stopped sending its body
                }
            }));
        });
    }

    /** Runs {@code next} after answering {@code Expect: 100-continue}, which the robot never sees. */
    private void withContinue(Runnable next) {
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
                clientGone(e);
            }
        });
    }

    private void decide(PolicyDecision d) {
        decision = d;
        leaseMs = ctx.leases().decided(instanceId, deployment, d);
        ctx.metrics().decided(d.allowed());
        if (!d.allowed()) {
            phase = Phase.DONE;
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
            answer(d.httpStatus(), d.reason());
            return;
        }
        CanonicalRequest c = d.canonical();
        body = c.body().orElse(null);
        streamBody = body == null && c.streamBody();
        if (streamBody && exchange.getRequestContentLength() >= 0) {
            // The policy checked the declared length against its cap; the server-wide entity cap
            // must not cut off what it allowed, and the length itself still bounds the upload.
            bodyLimit = exchange.getRequestContentLength();
            exchange.setMaxEntitySize(bodyLimit);
        }
        connect(false);
    }

    private void refuseLocally(String rule, String reason) {
        localRule = rule;
        localReason = reason;
        phase = Phase.DONE;
        ctx.metrics().decided(false);
        answer(403, reason);
    }

    private void policyFailed(RuntimeException e) {
        // Fail closed: a policy that cannot decide lets nothing through.
        localRule = "error";
        localReason = "blocked: the policy could not decide: " + e.getMessage();
        phase = Phase.DONE;
        ctx.metrics().decided(false);
        ctx.log().warn("event=policy_failed instance={} path={} error={}", instanceId, rawPath, e.toString());
        answer(500, localReason);
    }

    /** Answers with Misty's error envelope (and CORS headers), unless the response has begun. */
    private void answer(int status, String message) {
        if (exchange.isResponseStarted()) {
            cut();
            return;
        }
        exchange.getResponseHeaders().clear();
        Cors.decorate(exchange, deployment.corsOrigins(), origin);
        MistyEnvelope.send(exchange, status, message);
    }

    // ---- upstream -------------------------------------------------------------------------

    private void connect(boolean fresh) {
        phase = Phase.CONNECT;
        cancelTimer();
        RobotAddress robot = deployment.robot();
        ctx.pool().acquire(exchange.getIoThread(), robot, exchange.getConnection().getByteBufferPool(), fresh,
                new UpstreamPool.Ready() {
                    @Override
                    public void connected(ClientConnection c, boolean wasReused) {
                        if (phase != Phase.CONNECT) {
                            ctx.pool().release(robot, c); // unused: we gave up waiting for it
                            return;
                        }
                        connection = c;
                        reused = wasReused;
                        cancelTimer();
                        send();
                    }

                    @Override
                    public void failed(IOException e) {
                        if (phase != Phase.CONNECT) {
                            return;
                        }
                        if (e instanceof ConnectException) {
                            fail(Failure.CONNECT_REFUSED, 502, "robot at " + robot + " refused the connection");
                        } else {
                            fail(Failure.CONNECT_REFUSED, 502, "could not connect to robot at " + robot + ": " + e.getMessage());
                        }
                    }
                });
        if (phase == Phase.CONNECT && connection == null) {
            // Only a new connection needs the timer: an idle one was handed over synchronously.
            arm(ctx.settings().connectTimeout().toNanos());
        }
    }

    private void send() {
        CanonicalRequest c = decision.canonical();
        // The canonical path and query are already encoded for the wire: forwarded as they are.
        ClientRequest req = new ClientRequest()
                .setMethod(HttpString.tryFromString(c.method()))
                .setPath(c.target());
        HeaderMap from = exchange.getRequestHeaders();
        HeaderMap to = req.getRequestHeaders();
        HopHeaders.copyRequest(from, to);
        to.put(Headers.HOST, ctx.pool().authority(deployment.robot()));
        to.put(X_FORWARDED_FOR, clientAddress());
        to.put(Headers.X_FORWARDED_PROTO, exchange.getRequestScheme());
        String host = from.getFirst(Headers.HOST);
        if (host != null) {
            to.put(Headers.X_FORWARDED_HOST, host);
        }
        if (body != null) {
            to.put(Headers.CONTENT_LENGTH, body.length);
            to.put(Headers.CONTENT_TYPE, c.contentType() != null ? c.contentType() : "application/json");
        } else if (streamBody) {
            String type = from.getFirst(Headers.CONTENT_TYPE);
            if (type != null) {
                to.put(Headers.CONTENT_TYPE, type);
            }
            long length = exchange.getRequestContentLength();
            if (length >= 0) {
                to.put(Headers.CONTENT_LENGTH, length);
            } else {
                to.put(Headers.TRANSFER_ENCODING, Headers.CHUNKED.toString());
            }
        } else if (req.getMethod().equals(Methods.POST) || req.getMethod().equals(Methods.PUT)
                || req.getMethod().equals(Methods.PATCH)) {
            to.put(Headers.CONTENT_LENGTH, 0);
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
        if (phase == Phase.DONE) {
            return;
        }
        upstream = cx;
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
        if (body != null) {
            writeBody(cx.getRequestChannel(), ByteBuffer.wrap(body));
        } else if (streamBody) {
            phase = Phase.UPLOAD;
            lastActivity = System.nanoTime();
            arm(ctx.settings().idleTimeout().toNanos());
            withContinue(() -> {
                if (phase != Phase.UPLOAD) {
                    return;
                }
                requestPump = new Pump(exchange.getRequestChannel(), cx.getRequestChannel(),
                        exchange.getConnection().getByteBufferPool(), this);
                requestPump.start();
            });
        } else {
            requestSent(); // without a body the client connection has already sent everything
        }
    }

    /** Writes the (small) canonical body, then ends the request. */
    private void writeBody(StreamSinkChannel sink, ByteBuffer buf) {
        try {
            while (buf.hasRemaining()) {
                if (sink.write(buf) == 0) {
                    sink.getWriteSetter().set(ch -> {
                        ch.suspendWrites();
                        writeBody(sink, buf);
                    });
                    sink.resumeWrites();
                    return;
                }
            }
            sink.shutdownWrites();
            if (!sink.flush()) {
                sink.getWriteSetter().set(ch -> {
                    try {
                        if (ch.flush()) {
                            ch.suspendWrites();
                            requestSent();
                        }
                    } catch (IOException e) {
                        upstreamBroke(e);
                    }
                });
                sink.resumeWrites();
                return;
            }
            requestSent();
        } catch (IOException e) {
            upstreamBroke(e);
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
        if (phase == Phase.DONE || phase == Phase.DOWNLOAD && exchange.isResponseStarted()) {
            return;
        }
        if (reused && !retried && !streamBody && upstreamStatus == 0 && (!requestSent || idempotent())) {
            // Most likely a kept-alive connection the robot had already closed: try once on a new
            // one. We still hold the body; like nginx, a non-idempotent request that was fully sent
            // is not repeated, since the robot may have acted on it.
            retried = true;
            // Forget the broken connection before closing it: closing fails its pending exchange
            // at once, and that callback must not count as a second failure of this request.
            ClientConnection broken = connection;
            connection = null;
            upstream = null;
            IoUtils.safeClose(broken);
            cancelTimer();
            connect(true);
            return;
        }
        fail(Failure.UPSTREAM_CLOSED, 502, "robot closed the connection without answering (" + e.getMessage() + ")");
    }

    private boolean idempotent() {
        String m = decision.canonical().method();
        return m.equals("GET") || m.equals("HEAD") || m.equals("OPTIONS") || m.equals("PUT") || m.equals("DELETE");
    }

    private void onResponse(ClientExchange cx) {
        if (phase == Phase.DONE) {
            return;
        }
        ClientResponse response = cx.getResponse();
        upstreamStatus = response.getResponseCode();
        ctx.metrics().upstreamAnswered(System.nanoTime() - sentNanos);
        phase = Phase.DOWNLOAD;
        lastActivity = System.nanoTime();
        cancelTimer();
        Redaction redaction = decision.redaction();
        boolean redact = redaction != null && !redaction.isEmpty();
        exchange.setStatusCode(upstreamStatus);
        HopHeaders.copyResponse(response.getResponseHeaders(), exchange.getResponseHeaders(), !redact);
        Cors.decorate(exchange, deployment.corsOrigins(), origin);
        if (leaseMs > 0) {
            exchange.getResponseHeaders().put(MOTION_LEASE, leaseMs);
            if (origin != null) {
                exchange.getResponseHeaders().put(Cors.EXPOSE_HEADERS, MOTION_LEASE.toString());
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
        if (phase == Phase.DOWNLOAD) {
            // Most answers are small and already done here; only a transfer still running needs a watchdog.
            arm(ctx.settings().idleTimeout().toNanos());
        }
    }

    private void redactAndSend(byte[] json) {
        responseRead = true;
        lastActivity = System.nanoTime();
        byte[] out;
        try {
            out = decision.redaction().apply(json);
        } catch (RuntimeException e) {
            // Fail closed: a response we cannot redact may hold the secret the owner wanted hidden.
            fail(Failure.REDACTION, 502, "robot's response could not be redacted: " + e.getMessage());
            return;
        }
        phase = Phase.DONE;
        cancelTimer();
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, out.length);
        exchange.getResponseSender().send(ByteBuffer.wrap(out));
    }

    private void redactionFailed(IOException e, boolean tooBig) {
        if (tooBig) {
            fail(Failure.REDACTION, 502, "robot's response is larger than " + ctx.settings().redactLimitBytes()
                    + " bytes and cannot be redacted");
        } else {
            fail(Failure.UPSTREAM_CLOSED, 502, "robot's response broke off: " + e.getMessage());
        }
    }

    // ---- pumps ----------------------------------------------------------------------------

    @Override
    public void moved(Pump pump) {
        lastActivity = System.nanoTime();
    }

    @Override
    public void drained(Pump pump) {
        if (pump == responsePump) {
            responseRead = true; // the robot's answer is complete: its connection can be kept
        }
    }

    @Override
    public void finished(Pump pump) {
        if (pump == requestPump) {
            requestSent();
        } else {
            responseRead = true;
            phase = Phase.DONE;
            cancelTimer();
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
            error = "robot's response broke off: " + e.getMessage();
            ctx.metrics().failed(Failure.UPSTREAM_CLOSED);
            cut();
        }
    }

    private void clientGone(IOException e) {
        if (phase == Phase.DONE) {
            return;
        }
        error = "client went away: " + e.getMessage();
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
        deadline = System.nanoTime() + nanos;
        if (deadlines == null) {
            deadlines = ctx.deadlines().on(exchange.getIoThread());
        }
        deadlines.add(this);
    }

    private void cancelTimer() {
        deadline = Long.MAX_VALUE;
        if (deadlines != null) {
            deadlines.remove(this);
        }
    }

    @Override
    public int slot() {
        return slot;
    }

    @Override
    public void slot(int s) {
        slot = s;
    }

    @Override
    public long deadline() {
        return deadline;
    }

    /** A phase took too long. */
    @Override
    public void expired(long now) {
        RelaySettings s = ctx.settings();
        switch (phase) {
            case CONNECT -> fail(Failure.CONNECT_TIMEOUT, 504, "robot at " + deployment.robot()
                    + " did not accept a connection within " + RelaySettings.words(s.connectTimeout()));
            case WAIT -> fail(Failure.FIRST_BYTE_TIMEOUT, 504, "robot did not answer within "
                    + RelaySettings.words(s.firstByteTimeout()));
            case UPLOAD, DOWNLOAD -> {
                long idle = s.idleTimeout().toNanos();
                if (now - lastActivity < idle) {
                    deadline = lastActivity + idle; // it moved since: watch on from the last move
                } else {
                    // Either side may be the slow one; before the robot answers the client gets a
                    // 504, after it a cut connection.
                    fail(Failure.IDLE_TIMEOUT, 504, (phase == Phase.UPLOAD ? "request" : "response")
                            + " body made no progress for " + RelaySettings.words(s.idleTimeout()));
                }
            }
            default -> cancelTimer();
        }
    }

    /** Gives up on the robot: closes its connection and answers the client if it still can. */
    private void fail(Failure cause, int status, String message) {
        if (phase == Phase.DONE) {
            return;
        }
        phase = Phase.DONE;
        error = message;
        ctx.metrics().failed(cause);
        cancelTimer();
        stopTransfers();
        if (connection != null) {
            IoUtils.safeClose(connection);
        }
        answer(status, message);
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

    @Override
    public void exchangeEvent(HttpServerExchange ex, NextListener next) {
        try {
            end();
        } finally {
            next.proceed();
        }
    }

    /** Releases everything and audits, once: on completion, or when a connection had to be cut. */
    private void end() {
        if (ended) {
            return;
        }
        ended = true;
        phase = Phase.DONE;
        cancelTimer();
        stopTransfers();
        if (connection != null) {
            if (error == null && requestSent && responseRead && connection.isOpen()) {
                ctx.pool().release(deployment.robot(), connection);
            } else {
                IoUtils.safeClose(connection);
            }
            connection = null;
        }
        if (!"cors".equals(localRule)) {
            audit(exchange);
        }
    }

    private void audit(HttpServerExchange ex) {
        boolean allowed = decision != null && decision.allowed() && localRule == null;
        CanonicalRequest c = decision != null ? decision.canonical() : null;
        String path = c != null ? c.path() : rawPath;
        String method = c != null ? c.method() : ex.getRequestMethod().toString();
        ctx.audit().record(new AuditEntry(
                Instant.now(), instanceId, clientAddress(), "http", method, path, allowed,
                decision != null ? decision.rule() : localRule,
                decision != null ? decision.reason() : localReason,
                ex.getStatusCode(), upstreamStatus, (System.nanoTime() - startNanos) / 1000, error));
    }

    private String clientAddress() {
        if (client == null) {
            InetSocketAddress a = exchange.getSourceAddress();
            client = a == null ? "unknown" : a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString();
        }
        return client;
    }
}
