package org.mistyproxy.proxy.ws;

import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import jakarta.websocket.CloseReason;
import jakarta.websocket.SendHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.mistyproxy.policy.WsDecision;
import org.mistyproxy.proxy.quota.SocketQuota;
import org.mistyproxy.proxy.safety.MotionLease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.Options;

/**
 * One borrower's {@code /pubsub} socket and the robot socket opened for it. Client messages are
 * judged by the policy session and forwarded in canonical form; robot messages go through a
 * bounded {@link ClientQueue}. Whichever side ends first ends the other, with the same close code
 * where the code may be sent on.
 *
 * <p>How it ends is one state, {@link Ending}, which leaves {@code OPEN} exactly once (a
 * compare-and-set: the first cause wins, later ones only do their own bookkeeping):
 * <pre>
 * from OPEN, on                                   to             client gets          robot gets
 * client close frame (clientClosed)               CLIENT_CLOSED  (it closed)          its code, or 1000
 * client connection gone (clientGone)             CLIENT_GONE    (gone)               1001 client went away
 * robot close or loss (robotClosed)               ROBOT_CLOSED   its code, or 1011    (it closed)
 * relay ends it (end: policy close, slow client,  PROXY_ENDED    the code given       the code given
 *   send/receive failure, server shutdown; and
 *   watchMotion: silent while the robot moves)
 * URL revoked (revoke)                            REVOKED        1008                 1008
 * </pre>
 * A cause arriving during the upgrade (robot dialled, client handshake not done) is applied when
 * the client's handshake completes: {@link #clientConnected} closes the client at once, 1008 if
 * {@code REVOKED}, else 1011. Open-socket gauges are kept by {@link #clientGone} (client side)
 * and {@link RobotEndpoint} (robot side), whatever the ending.
 */
final class PubSubConnection {
    private static final Logger LOG = LoggerFactory.getLogger(PubSubConnection.class);
    /** Beyond this many unfinished sends to the robot, stop reading the client (TCP pushes back). */
    private static final int MAX_PENDING_TO_ROBOT = 32;

    private final String instanceId;
    private final String connectionId;
    private final LiveSession policy;
    private final PubSubSettings settings;
    private final PubSubMetrics metrics;
    private final ScheduledExecutorService timers;
    private final Executor blockingWork;
    private final WsAudit audit;
    private final String clientAddress;
    private final Subscriptions subscriptions = new Subscriptions();
    private final ClientQueue toClient;
    private final AtomicReference<Ending> ending = new AtomicReference<>(Ending.OPEN);
    private final AtomicInteger pendingToRobot = new AtomicInteger();
    private final Runnable onEnded;
    private final SocketQuota quota;
    private final MotionLease leases;
    /** Why the client side ended abnormally (no close frame, an error, too slow), or null. */
    private volatile String lostBecause;

    private volatile Session robot;
    private volatile WebSocketChannel client;
    private final ClientLiveness liveness = new ClientLiveness(System.nanoTime());
    private volatile long lastRobotFrame = System.nanoTime();

    PubSubConnection(
            String instanceId,
            String connectionId,
            LiveSession policy,
            PubSubSettings settings,
            PubSubMetrics metrics,
            ScheduledExecutorService timers,
            Executor blockingWork,
            WsAudit audit,
            String clientAddress,
            SocketQuota quota,
            Runnable onEnded,
            MotionLease leases) {
        this.instanceId = instanceId;
        this.connectionId = connectionId;
        this.policy = policy;
        this.settings = settings;
        this.metrics = metrics;
        this.timers = timers;
        this.blockingWork = blockingWork;
        this.audit = audit;
        this.clientAddress = clientAddress;
        this.quota = quota;
        this.onEnded = () -> {
            quota.close();
            onEnded.run();
        };
        this.leases = leases;
        this.toClient = new ClientQueue(settings.queueMessages(), settings.queueBytes(), subscriptions::isPeriodicEvent, metrics);
    }

    /** How the connection ends; see the table in the class comment. */
    enum Ending { OPEN, CLIENT_CLOSED, CLIENT_GONE, ROBOT_CLOSED, PROXY_ENDED, REVOKED }

    String instanceId() {
        return instanceId;
    }

    /** Leaves {@code OPEN} for {@code to}; false when another ending came first. */
    private boolean endAs(Ending to) {
        return ending.compareAndSet(Ending.OPEN, to);
    }

    private boolean open() {
        return ending.get() == Ending.OPEN;
    }

    /** The robot's handshake is done; false if this connection was revoked or ended meanwhile. */
    boolean robotConnected(Session session) {
        this.robot = session;
        Ending e = ending.get();
        if (e != Ending.OPEN) {
            boolean revoked = e == Ending.REVOKED;
            closeRobot(revoked ? CloseCodes.POLICY : CloseCodes.GOING_AWAY, revoked ? "proxy URL revoked" : "client gone");
            return false;
        }
        return true;
    }

    /** The client's handshake is done: start relaying. */
    void clientConnected(WebSocketChannel channel, long maxMessageBytes) {
        this.client = channel;
        metrics.openSockets.incrementAndGet();
        try {
            channel.setOption(Options.SEND_BUFFER, settings.clientSendBuffer());
        } catch (IOException | IllegalArgumentException e) {
            LOG.debug("event=ws_sndbuf_not_set conn={} error={}", connectionId, e.toString());
        }
        channel.addCloseTask(ch -> clientGone());
        channel.getReceiveSetter().set(new ClientListener(this, maxMessageBytes));
        channel.resumeReceives();
        toClient.attach(channel, () -> {
            lostBecause = "sending to the client failed";
            end(CloseCodes.GOING_AWAY, "client connection failed", CloseCodes.GOING_AWAY, "client went away");
        });
        audit.opened(instanceId, clientAddress);
        if (!open() || robot == null || !robot.isOpen()) {
            // Revoked, or the robot left, while the handshake ran: the client still learns why.
            boolean wasRevoked = ending.get() == Ending.REVOKED;
            endAs(Ending.PROXY_ENDED);
            closeClient(wasRevoked ? CloseCodes.POLICY : CloseCodes.INTERNAL, wasRevoked ? "proxy URL revoked" : "robot connection lost");
            closeRobot(CloseCodes.GOING_AWAY, "client gone");
            return;
        }
        LOG.info("event=ws_open instance={} conn={}", instanceId, connectionId);
    }

    // ---- client to robot

    void clientText(String text) {
        long start = System.nanoTime();
        liveness.heard(start);
        if (overQuota("WS-TEXT", quota.takeMessage())) return;
        leases.renew(instanceId);
        WsDecision d = policy.onClientText(text);
        audit.decision(instanceId, clientAddress, "WS-TEXT", d, start);
        if (d.allowed()) {
            int change = subscriptions.change(d.canonicalText());
            if (change > 0 && overQuota("WS-TEXT", quota.takeSubscription())) return;
            if (change < 0) quota.releaseSubscription();
            subscriptions.clientSent(d.canonicalText());
            sendToRobot(d.canonicalText());
        } else {
            refused(d);
        }
    }

    void clientBinary(ByteBuffer data) {
        long start = System.nanoTime();
        liveness.heard(start);
        if (overQuota("WS-BINARY", quota.takeMessage())) return;
        leases.renew(instanceId);
        WsDecision d = policy.onClientBinary(data.remaining());
        audit.decision(instanceId, clientAddress, "WS-BINARY", d, start);
        if (d.allowed()) {
            Session s = robot;
            if (s != null && s.isOpen()) {
                trackedSend(handler -> s.getAsyncRemote().sendBinary(data, handler));
            }
        } else {
            refused(d);
        }
    }

    /** True (and the client told, the refusal audited) when {@code refusal} is not null. */
    private boolean overQuota(String kind, String refusal) {
        if (refusal == null) return false;
        metrics.refused.increment();
        audit.quotaRefused(instanceId, clientAddress, kind, refusal);
        WebSocketChannel ch = client;
        if (ch != null) WebSockets.sendText(RefusalMessage.quotaJson(refusal), ch, null);
        return true;
    }

    private void refused(WsDecision d) {
        metrics.refused.increment();
        LOG.info("event=ws_refused instance={} conn={} rule=\"{}\" reason=\"{}\"", instanceId, connectionId, d.rule(), d.reason());
        if (d.close()) {
            end(CloseCodes.POLICY, RefusalMessage.text(d.reason()), CloseCodes.GOING_AWAY, "client closed by proxy");
            return;
        }
        WebSocketChannel ch = client;
        if (ch != null) {
            // In the robot's own style, so clients that route messages by eventName see it.
            WebSockets.sendText(RefusalMessage.json(d.eventName(), d.reason()), ch, null);
        }
    }

    private void sendToRobot(String text) {
        Session s = robot;
        if (s != null && s.isOpen()) {
            trackedSend(handler -> s.getAsyncRemote().sendText(text, handler));
        }
    }

    /** Sends to the robot; too many unfinished sends pause reading from the client. */
    private void trackedSend(java.util.function.Consumer<SendHandler> send) {
        if (pendingToRobot.incrementAndGet() > MAX_PENDING_TO_ROBOT) {
            WebSocketChannel ch = client;
            if (ch != null) {
                ch.suspendReceives();
            }
        }
        try {
            send.accept(result -> {
                if (pendingToRobot.decrementAndGet() <= MAX_PENDING_TO_ROBOT / 2) {
                    WebSocketChannel ch = client;
                    if (ch != null && open()) {
                        ch.resumeReceives();
                    }
                }
                if (result.isOK()) {
                    metrics.toRobot.increment();
                } else {
                    robotFailed(result.getException());
                }
            });
        } catch (RuntimeException e) {
            pendingToRobot.decrementAndGet();
            robotFailed(e);
        }
    }

    void clientPing(ByteBuffer payload) {
        liveness.heard(System.nanoTime());
        leases.renew(instanceId);
        Session s = robot;
        try {
            if (s != null && s.isOpen()) {
                s.getAsyncRemote().sendPing(payload);
            }
        } catch (IOException | RuntimeException e) {
            robotFailed(e);
        }
    }

    void clientPong(ByteBuffer payload) {
        if (payload.equals(ClientLiveness.KEEPALIVE)) {
            liveness.answeredPing(System.nanoTime());
            return;
        }
        liveness.heard(System.nanoTime());
        Session s = robot;
        try {
            if (s != null && s.isOpen()) {
                s.getAsyncRemote().sendPong(payload);
            }
        } catch (IOException | RuntimeException e) {
            robotFailed(e);
        }
    }

    void clientClosed(int code, String reason) {
        if (!endAs(Ending.CLIENT_CLOSED)) {
            return;
        }
        int robotCode = CloseCodes.sendable(code) ? code : CloseCodes.NORMAL;
        LOG.info("event=ws_client_closed instance={} conn={} code={}", instanceId, connectionId, code);
        audit.closed(instanceId, clientAddress, code, "client closed: " + reason);
        closeRobot(robotCode, reason);
        toClient.close();
    }

    void clientFailed(Throwable error) {
        LOG.debug("event=ws_client_error conn={} error={}", connectionId, error.toString());
        lostBecause = "connection error"; // (the exception, a class name, is in the debug log above, not the audit)
        end(CloseCodes.INTERNAL, "client connection failed", CloseCodes.GOING_AWAY, "client connection failed");
    }

    private void clientGone() {
        metrics.openSockets.decrementAndGet();
        toClient.close();
        if (endAs(Ending.CLIENT_GONE)) {
            // Nobody ended it and no close frame came: the connection just broke (reset, EOF).
            lostBecause = "the connection ended without a close frame";
            closeRobot(CloseCodes.GOING_AWAY, "client went away");
        }
        String lost = lostBecause;
        if (lost != null && ending.get() != Ending.REVOKED) {
            // The borrower vanished: motion they started must not wait for its lease to lapse.
            leases.socketLost(instanceId, lost);
        }
        onEnded.run();
        LOG.info("event=ws_closed instance={} conn={}", instanceId, connectionId);
    }

    // ---- robot to client

    void robotText(String text) {
        lastRobotFrame = System.nanoTime();
        afterOffer(toClient.offerText(text));
    }

    void robotBinary(ByteBuffer data) {
        lastRobotFrame = System.nanoTime();
        ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data).flip();
        afterOffer(toClient.offerBinary(copy));
    }

    private void afterOffer(ClientQueue.Offer result) {
        if (result == ClientQueue.Offer.OVERFLOW) {
            metrics.slowClientsClosed.increment();
            lostBecause = "the client read too slowly (send queue full)";
            end(CloseCodes.POLICY, "client too slow: send queue full", CloseCodes.GOING_AWAY, "client too slow");
        }
    }

    void robotPong(ByteBuffer payload) {
        lastRobotFrame = System.nanoTime();
        WebSocketChannel ch = client;
        if (ch != null && !payload.equals(ClientLiveness.KEEPALIVE)) {
            WebSockets.sendPong(payload, ch, null);
        }
    }

    void robotClosed(int code, String reason) {
        if (!endAs(Ending.ROBOT_CLOSED)) {
            return;
        }
        LOG.info("event=ws_robot_closed instance={} conn={} code={} reason=\"{}\"", instanceId, connectionId, code, reason);
        audit.closed(instanceId, clientAddress, code, "robot closed: " + reason);
        if (CloseCodes.sendable(code)) {
            closeClient(code, reason == null || reason.isEmpty() ? "robot closed the connection" : reason);
        } else {
            closeClient(CloseCodes.INTERNAL, "robot connection lost" + (reason == null || reason.isEmpty() ? "" : ": " + reason));
        }
    }

    void robotFailed(Throwable error) {
        LOG.info("event=ws_robot_error instance={} conn={} error=\"{}\"", instanceId, connectionId, error);
        end(CloseCodes.INTERNAL, "robot connection lost", CloseCodes.GOING_AWAY, "relay failed");
    }

    // ---- lifecycle

    /** The instance's proxy URLs were revoked: close both sides with 1008. */
    void revoke(String reason) {
        if (endAs(Ending.REVOKED)) {
            endBoth(CloseCodes.POLICY, reason, CloseCodes.POLICY, reason);
        }
    }

    /**
     * The relay ends both sides (once, unless something else ended it first). The future completes
     * when the close frame to the client has been written (or could not be): a server that stops
     * waits for it, so that clients see 1001, not a reset.
     */
    CompletableFuture<Void> end(int clientCode, String clientReason, int robotCode, String robotReason) {
        if (endAs(Ending.PROXY_ENDED)) {
            return endBoth(clientCode, clientReason, robotCode, robotReason);
        }
        return CompletableFuture.completedFuture(null);
    }

    private CompletableFuture<Void> endBoth(int clientCode, String clientReason, int robotCode, String robotReason) {
        LOG.info("event=ws_end instance={} conn={} code={} reason=\"{}\"", instanceId, connectionId, clientCode, clientReason);
        audit.closed(instanceId, clientAddress, clientCode, clientReason);
        CompletableFuture<Void> sent = closeClient(clientCode, clientReason);
        closeRobot(robotCode, robotReason);
        return sent;
    }

    private CompletableFuture<Void> closeClient(int code, String reason) {
        toClient.close();
        WebSocketChannel ch = client;
        if (ch == null) {
            return CompletableFuture.completedFuture(null); // handshake not done: the upgrade code answers instead
        }
        CompletableFuture<Void> sent = new CompletableFuture<>();
        WebSockets.sendClose(code, CloseCodes.reason(reason), ch, new WebSocketCallback<Void>() {
            @Override
            public void complete(WebSocketChannel channel, Void context) {
                sent.complete(null);
            }

            @Override
            public void onError(WebSocketChannel channel, Void context, Throwable throwable) {
                IoUtils.safeClose(channel);
                sent.complete(null);
            }
        });
        // A client that reads nothing never answers our close frame: cut it off.
        try {
            timers.schedule(() -> IoUtils.safeClose(ch), settings.closeGrace().toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            IoUtils.safeClose(ch);
        }
        return sent;
    }

    private void closeRobot(int code, String reason) {
        Session s = robot;
        if (s == null) {
            return;
        }
        // Tyrus may wait for the close frame to be written: never on an IO thread.
        blockingWork.execute(() -> {
            try {
                if (s.isOpen()) {
                    s.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(code), CloseCodes.reason(reason)));
                }
            } catch (IOException | RuntimeException e) {
                LOG.debug("event=ws_robot_close_failed conn={} error={}", connectionId, e.toString());
            }
        });
    }

    /**
     * Called often while the instance's motion is leased ({@code motionHeard}: when the lease last
     * heard from the borrower). A vanished network sends no FIN and no reset, so a quiet client is
     * pinged, and one silent too long ({@link ClientLiveness}) is gone: stop the robot, then close.
     */
    void watchMotion(long now, long motionHeard) {
        WebSocketChannel ch = client;
        if (ch == null || !open()) {
            return;
        }
        if (pendingToRobot.get() > MAX_PENDING_TO_ROBOT) {
            liveness.heard(now); // we stopped reading it ourselves (the robot is slow): its silence is ours
            return;
        }
        long silent = liveness.silentNanos(now, motionHeard);
        if (silent > settings.motionSilence().toNanos()) {
            if (endAs(Ending.PROXY_ENDED)) { // the stop first: nothing else here may delay it
                leases.socketLost(instanceId, "no answer to pings for " + TimeUnit.NANOSECONDS.toMillis(silent) + " ms");
                metrics.silentClientsClosed.increment();
                endBoth(CloseCodes.POLICY, "no answer to pings while the robot was moving", CloseCodes.GOING_AWAY,
                        "client went away");
            }
            return;
        }
        liveness.pingIfQuiet(ch, now, settings.motionPing().toNanos(), motionHeard);
    }

    /** Called about once a second: keep-alive pings both ways, and the slow-client check. */
    void tick(long now) {
        if (!open()) {
            return;
        }
        long stalled = toClient.stalledNanos(now);
        if (stalled > settings.stallTimeout().toNanos()) {
            metrics.slowClientsClosed.increment();
            lostBecause = "the client read nothing for " + settings.stallTimeout().toSeconds() + " s";
            end(CloseCodes.POLICY, "client too slow: nothing read for " + settings.stallTimeout().toSeconds() + " s",
                    CloseCodes.GOING_AWAY, "client too slow");
            return;
        }
        long ping = settings.pingInterval().toNanos();
        WebSocketChannel ch = client;
        if (ch != null && stalled == 0) {
            liveness.pingIfQuiet(ch, now, ping, Long.MIN_VALUE);
        }
        Session s = robot;
        if (s != null && s.isOpen() && now - lastRobotFrame > ping) {
            lastRobotFrame = now;
            try {
                s.getAsyncRemote().sendPing(ClientLiveness.KEEPALIVE.duplicate());
            } catch (IOException | RuntimeException e) {
                robotFailed(e);
            }
        }
    }
}
