package org.mistyproxy.proxy.ws;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import java.nio.ByteBuffer;

/** The Tyrus side of one connection: what the robot sends goes straight to the connection. */
final class RobotEndpoint extends Endpoint {
    private final PubSubConnection connection;

    RobotEndpoint(PubSubConnection connection) {
        this.connection = connection;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        connection.robotOpened();
        session.addMessageHandler(String.class, (MessageHandler.Whole<String>) connection::robotText);
        session.addMessageHandler(ByteBuffer.class, (MessageHandler.Whole<ByteBuffer>) connection::robotBinary);
        session.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) p -> connection.robotPong(p.getApplicationData()));
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        connection.robotClosed(closeReason.getCloseCode().getCode(), closeReason.getReasonPhrase());
    }

    @Override
    public void onError(Session session, Throwable thr) {
        connection.robotFailed(thr);
    }
}
