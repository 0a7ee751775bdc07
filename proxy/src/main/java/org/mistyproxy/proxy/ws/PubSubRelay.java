package org.mistyproxy.proxy.ws;

import io.micrometer.core.instrument.MeterRegistry;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import io.undertow.websockets.WebSocketConnectionCallback;
import jakarta.websocket.Session;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.policy.Policy;
import org.mistyproxy.policy.WebSocketRules;
import org.mistyproxy.proxy.audit.AuditLog;
import org.mistyproxy.proxy.gate.MistyEnvelope;
import org.mistyproxy.proxy.gate.OriginGate;
import org.mistyproxy.proxy.gate.WebSocketHandshake;
import org.mistyproxy.proxy.quota.InstanceQuotas;
import org.mistyproxy.proxy.quota.SocketQuota;
import org.mistyproxy.proxy.safety.MotionLease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code /pubsub} WebSocket relay: the one entry point of this package.
 *
 * <p>An upgrade on a live proxy URL is checked (RFC 6455 headers, the policy's {@code websocket:}
 * section, the deployment's {@code cors_origins}), then the robot's {@code /pubsub} is dialled
 * <em>before</em> the client's handshake completes, so an unreachable robot is a plain HTTP 502
 * rather than a socket that opens and dies. From then on each client socket is paired with its
 * own robot socket ({@link PubSubConnection}).
 *
 * <p>{@link #revoke} closes every socket of an instance; wire it to the server's revocation
 * events. {@link #close} stops the timers and closes every socket.
 */
public final class PubSubRelay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PubSubRelay.class);
    private static final AttachmentKey<PubSubConnection> CONNECTION = AttachmentKey.create(PubSubConnection.class);
    private static final AttachmentKey<Long> MAX_MESSAGE = AttachmentKey.create(Long.class);

    private final PubSubSettings settings;
    private final InstanceQuotas quotas;
    private final MotionLease leases;
    private final PubSubMetrics metrics;
    private final WsAudit audit;
    private final RobotDialer dialer;
    private final LiveSockets live = new LiveSockets();
    private final ScheduledExecutorService timers;
    private final WebSocketHandshake handshake;

    public PubSubRelay(PubSubSettings settings, MeterRegistry registry, AuditLog auditLog) {
        this(settings, registry, auditLog, new InstanceQuotas(auditLog, registry), MotionLease.NONE);
    }

    /** @param quotas the server's per-instance quotas (shared with the HTTP relay) */
    public PubSubRelay(PubSubSettings settings, MeterRegistry registry, AuditLog auditLog, InstanceQuotas quotas) {
        this(settings, registry, auditLog, quotas, MotionLease.NONE);
    }

    /** {@code leases} hears of every client message (renewal) and of sockets lost abnormally. */
    public PubSubRelay(PubSubSettings settings, MeterRegistry registry, AuditLog auditLog, MotionLease leases) {
        this(settings, registry, auditLog, new InstanceQuotas(auditLog, registry), leases);
    }

    /**
     * @param quotas the server's per-instance quotas (shared with the HTTP relay)
     * @param leases hears of every client message (renewal) and of sockets lost abnormally
     */
    public PubSubRelay(PubSubSettings settings, MeterRegistry registry, AuditLog auditLog, InstanceQuotas quotas,
            MotionLease leases) {
        this.quotas = quotas;
        this.leases = leases;
        this.settings = settings;
        this.metrics = new PubSubMetrics(registry);
        this.audit = new WsAudit(auditLog);
        this.dialer = new RobotDialer(settings.connectTimeout());
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "pubsub-timers");
            t.setDaemon(true);
            return t;
        });
        this.handshake = new WebSocketHandshake((WebSocketConnectionCallback) (exchange, channel) -> {
            PubSubConnection c = exchange.getAttachment(CONNECTION);
            c.clientConnected(channel, exchange.getAttachment(MAX_MESSAGE));
        });
        long tick = Math.max(50, Math.min(1000, Math.min(settings.pingInterval().toMillis(), settings.stallTimeout().toMillis()) / 4));
        timers.scheduleWithFixedDelay(this::tick, tick, tick, TimeUnit.MILLISECONDS);
        // Finer, for the sockets of instances whose robot moves (a few map lookups when none does).
        long watch = settings.motionWatchEvery().toMillis();
        timers.scheduleWithFixedDelay(this::watchMotion, watch, watch, TimeUnit.MILLISECONDS);
    }

    /**
     * Serves a request for {@code /pubsub} on a live proxy URL of {@code instanceId}. Safe to call
     * on an IO thread: the robot is dialled on a worker thread.
     */
    public void handle(HttpServerExchange exchange, String instanceId, Deployment deployment, Supplier<Policy> livePolicy) {
        Policy policy = livePolicy.get();
        String client = clientAddress(exchange);
        String problem = UpgradeRequest.problem(exchange);
        if (problem != null) {
            audit.refusedUpgrade(instanceId, client, 400, null, problem, null);
            MistyEnvelope.send(exchange, deployment.corsOrigins(), 400, problem);
            return;
        }
        if (!UpgradeRequest.version13(exchange)) {
            exchange.getResponseHeaders().put(Headers.SEC_WEB_SOCKET_VERSION, "13");
            audit.refusedUpgrade(instanceId, client, 426, null, "unsupported Sec-WebSocket-Version", null);
            MistyEnvelope.send(exchange, deployment.corsOrigins(), 426, "unsupported Sec-WebSocket-Version: this server speaks version 13");
            return;
        }
        WebSocketRules rules = policy.websocket();
        if (!rules.enabled()) {
            audit.refusedUpgrade(instanceId, client, 403, "websocket", rules.disabledReason(), null);
            MistyEnvelope.send(exchange, deployment.corsOrigins(), 403, RefusalMessage.text(rules.disabledReason()));
            return;
        }
        String origin = OriginGate.origin(exchange);
        if (!OriginGate.allows(deployment.corsOrigins(), origin)) {
            metrics.originRefused.increment();
            String why = "origin " + origin + " is not allowed for this robot (not in cors_origins)";
            audit.refusedUpgrade(instanceId, client, 403, "cors_origins", why, null);
            MistyEnvelope.send(exchange, deployment.corsOrigins(), 403, why);
            return;
        }
        SocketQuota quota = quotas.admitSocket(instanceId, deployment);
        if (quota == null) {
            String why = InstanceQuotas.socketRefusal(deployment);
            audit.refusedUpgrade(instanceId, client, 503, "quota pubsub_sockets", why, null);
            exchange.getResponseHeaders().put(Headers.RETRY_AFTER, "1");
            MistyEnvelope.send(exchange, deployment.corsOrigins(), 503, why);
            return;
        }
        if (exchange.isInIoThread()) {
            exchange.dispatch(() -> connect(exchange, instanceId, deployment, rules, livePolicy, client, quota));
        } else {
            connect(exchange, instanceId, deployment, rules, livePolicy, client, quota);
        }
    }

    private void connect(HttpServerExchange exchange, String instanceId, Deployment deployment, WebSocketRules rules,
            Supplier<Policy> livePolicy, String client, SocketQuota quota) {
        Supplier<WebSocketRules> liveRules = () -> {
            Policy p = livePolicy.get();
            return p == null ? null : p.websocket();
        };
        Executor worker = exchange.getConnection().getWorker();
        String connectionId = UUID.randomUUID().toString().substring(0, 8);
        PubSubConnection[] self = new PubSubConnection[1];
        PubSubConnection conn = new PubSubConnection(
                instanceId, connectionId, new LiveSession(liveRules, rules, instanceId), settings, metrics, timers, worker, audit, client,
                quota,
                () -> live.remove(self[0]), leases);
        self[0] = conn;
        live.add(conn); // before dialling: a revocation during the dial must find it
        URI uri = RobotDialer.pubsubUri(deployment.robot());
        Session robot;
        try {
            robot = dialer.dial(uri, new RobotEndpoint(conn, metrics));
        } catch (Exception e) {
            live.remove(conn);
            quota.close();
            metrics.robotUnreachable.increment();
            // What the borrower sees names neither the robot's address (the owner's) nor this
            // server's internals: both are in the server log.
            String why = "robot unreachable: cannot open its /pubsub";
            LOG.warn("event=ws_robot_unreachable instance={} robot={} error=\"{}\"", instanceId, uri, rootMessage(e));
            audit.refusedUpgrade(instanceId, client, 502, null, "robot unreachable", why);
            MistyEnvelope.send(exchange, deployment.corsOrigins(), 502, why);
            return;
        }
        if (!conn.robotConnected(robot)) {
            // Revoked while the robot was being dialled (the robot side is closed already).
            live.remove(conn);
            quota.close();
            audit.refusedUpgrade(instanceId, client, 404, null, "proxy URL revoked during the upgrade", null);
            MistyEnvelope.send(exchange, deployment.corsOrigins(), 404, "unknown or revoked proxy URL");
            return;
        }
        exchange.putAttachment(CONNECTION, conn);
        exchange.putAttachment(MAX_MESSAGE, (long) rules.maxMessageBytes());
        try {
            handshake.handleRequest(exchange);
        } catch (Exception e) {
            live.remove(conn);
            quota.close();
            conn.end(CloseCodes.INTERNAL, "handshake failed", CloseCodes.GOING_AWAY, "client handshake failed");
            LOG.warn("event=ws_handshake_failed instance={} error=\"{}\"", instanceId, e.toString());
            if (!exchange.isResponseStarted()) {
                // the cause (an exception's text) stays in the server log
                MistyEnvelope.send(exchange, deployment.corsOrigins(), 400, "WebSocket handshake failed");
            }
        }
    }

    /** Closes every open socket of the instance, both sides, with 1008 and the reason given. */
    public void revoke(String instanceId, String reason) {
        for (PubSubConnection c : live.of(instanceId)) {
            c.revoke(reason);
        }
    }

    /** The number of open client sockets of the instance (for status pages and tests). */
    public int openSockets(String instanceId) {
        return live.of(instanceId).size();
    }

    /**
     * Closes every open socket, both sides, with 1001. Called when the server starts stopping: a
     * subscription never ends on its own, so waiting for it would only spend the shutdown grace and
     * then cut the client off with an abrupt 1006.
     */
    public void closeAllSockets() {
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (PubSubConnection c : live.all()) {
            sent.add(c.end(CloseCodes.GOING_AWAY, "server shutting down", CloseCodes.GOING_AWAY, "proxy shutting down"));
        }
        // The server stops its IO threads next: let the close frames reach the clients first (a
        // client that reads nothing is not waited for beyond the close grace).
        try {
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(settings.closeGrace().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.info("event=ws_close_frames_unsent sockets={}", sent.stream().filter(f -> !f.isDone()).count());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closeAllSockets();
        timers.shutdown();
    }

    private void tick() {
        long now = System.nanoTime();
        for (PubSubConnection c : live.all()) {
            try {
                c.tick(now);
            } catch (RuntimeException e) {
                LOG.warn("event=ws_tick_failed error=\"{}\"", e.toString());
            }
        }
    }

    private void watchMotion() {
        long now = System.nanoTime();
        for (PubSubConnection c : live.all()) {
            try {
                long heard = leases.motionHeard(c.instanceId());
                if (heard != MotionLease.NO_MOTION) {
                    c.watchMotion(now, heard);
                }
            } catch (RuntimeException e) {
                LOG.warn("event=ws_motion_watch_failed error=\"{}\"", e.toString());
            }
        }
    }

    private static String clientAddress(HttpServerExchange exchange) {
        InetSocketAddress a = exchange.getSourceAddress();
        return a == null || a.getAddress() == null ? "unknown" : a.getAddress().getHostAddress();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }
}
