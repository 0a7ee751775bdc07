package org.mistyproxy.sim;

import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.xnio.IoUtils;

/** One client socket on /pubsub and the subscriptions it made (unsubscribe works only here). */
final class PubSubConnection {
    private final WebSocketChannel channel;
    private final String handshakePath;
    private final String handshakeQuery;
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();

    PubSubConnection(WebSocketChannel channel, String handshakePath, String handshakeQuery) {
        this.channel = channel;
        this.handshakePath = handshakePath;
        this.handshakeQuery = handshakeQuery;
    }

    String handshakePath() {
        return handshakePath;
    }

    String handshakeQuery() {
        return handshakeQuery;
    }

    Map<String, Subscription> subscriptions() {
        return subscriptions;
    }

    /** Undertow queues frames itself; the lock keeps whole messages from interleaving. */
    synchronized void send(String text) {
        if (channel.isOpen() && !channel.isCloseFrameSent()) {
            WebSockets.sendText(text, channel, null);
        }
    }

    synchronized void close(int code, String reason) {
        if (!channel.isOpen()) {
            return;
        }
        WebSockets.sendClose(code, reason, channel, new io.undertow.websockets.core.WebSocketCallback<Void>() {
            @Override
            public void complete(WebSocketChannel ch, Void context) {
                // Like a robot going away: do not wait for the client to answer the close.
                IoUtils.safeClose(ch);
            }

            @Override
            public void onError(WebSocketChannel ch, Void context, Throwable throwable) {
                IoUtils.safeClose(ch);
            }
        });
    }
}
