package org.mistyproxy.proxy.ws;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Tyrus side of one connection: what the robot sends goes straight to the connection. It
 * also keeps the robot-socket gauge, counting a socket once from open to close.
 */
final class RobotEndpoint extends Endpoint {
    private final PubSubConnection connection;
    private final PubSubMetrics metrics;
    private final AtomicBoolean counted = new AtomicBoolean();

    RobotEndpoint(PubSubConnection connection, PubSubMetrics metrics) {
        this.connection = connection;
        this.metrics = metrics;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        if (counted.compareAndSet(false, true)) {
            metrics.robotSockets.incrementAndGet();
        }
        // Tyrus treats only a negative idle timeout as "none": with the default 0 it schedules a
        // no-op idle check on its timer thread for every message received (a wake-up of another
        // thread per robot event; bench/ws-relay). Liveness is ours: PubSubConnection pings.
        session.setMaxIdleTimeout(-1);
        session.addMessageHandler(String.class, (MessageHandler.Whole<String>) connection::robotText);
        session.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) connection::robotBinary);
        session.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) p -> connection.robotPong(p.getApplicationData()));
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        if (counted.compareAndSet(true, false)) {
            metrics.robotSockets.decrementAndGet();
        }
        connection.robotClosed(closeReason.getCloseCode().getCode(), closeReason.getReasonPhrase());
    }

    @Override
    public void onError(Session session, Throwable thr) {
        connection.robotFailed(thr);
    }
}
