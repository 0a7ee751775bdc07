package org.mistyproxy.proxy.ws;

import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedBinaryMessage;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.CloseMessage;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.nio.ByteBuffer;
import org.xnio.Pooled;

/**
 * The Undertow side of one connection. Messages arrive whole (fragments reassembled, which
 * RFC 6455 §5.4 allows an intermediary to do) because the policy judges whole messages.
 */
@SuppressWarnings("deprecation") // BufferedBinaryMessage hands out org.xnio.Pooled; Undertow has no other API
final class ClientListener extends AbstractReceiveListener {
    private final PubSubConnection connection;
    private final long maxMessageBytes;

    ClientListener(PubSubConnection connection, long maxMessageBytes) {
        this.connection = connection;
        this.maxMessageBytes = maxMessageBytes;
    }

    @Override
    protected long getMaxTextBufferSize() {
        return maxMessageBytes;
    }

    @Override
    protected long getMaxBinaryBufferSize() {
        return maxMessageBytes;
    }

    @Override
    protected void onFullTextMessage(WebSocketChannel channel, BufferedTextMessage message) {
        connection.clientText(message.getData());
    }

    @Override
    protected void onFullBinaryMessage(WebSocketChannel channel, BufferedBinaryMessage message) {
        try (Pooled<ByteBuffer[]> data = message.getData()) {
            connection.clientBinary(WebSockets.mergeBuffers(data.getResource()));
        }
    }

    /** Not answered here: the ping goes on to the robot and the robot's pong comes back. */
    @Override
    protected void onFullPingMessage(WebSocketChannel channel, BufferedBinaryMessage message) {
        try (Pooled<ByteBuffer[]> data = message.getData()) {
            connection.clientPing(WebSockets.mergeBuffers(data.getResource()));
        }
    }

    @Override
    protected void onFullPongMessage(WebSocketChannel channel, BufferedBinaryMessage message) {
        try (Pooled<ByteBuffer[]> data = message.getData()) {
            connection.clientPong(WebSockets.mergeBuffers(data.getResource()));
        }
    }

    /** Undertow answers the close frame itself after this; the robot gets the same code and reason. */
    @Override
    protected void onCloseMessage(CloseMessage cm, WebSocketChannel channel) {
        connection.clientClosed(cm.getCode(), cm.getReason());
    }

    @Override
    protected void onError(WebSocketChannel channel, Throwable error) {
        super.onError(channel, error);
        connection.clientFailed(error);
    }
}
