package org.mistyproxy.sim;

import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.xnio.IoUtils;

/** One client socket on /pubsub and the subscriptions it made (unsubscribe works only here). */
final class PubSubConnection {
    static final int MAX_UNSENT = 1000;

    private final WebSocketChannel channel;
    private final String handshakePath;
    private final String handshakeQuery;
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final AtomicInteger unsent = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();

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

    /**
     * Undertow queues frames itself; the lock keeps whole messages from interleaving. When the
     * client stops reading, messages beyond {@link #MAX_UNSENT} are dropped (and counted) rather
     * than queued without bound, as a robot with a full socket buffer would lose them.
     */
    synchronized void send(String text) {
        if (!channel.isOpen() || channel.isCloseFrameSent()) {
            return;
        }
        if (unsent.get() >= MAX_UNSENT) {
            dropped.incrementAndGet();
            return;
        }
        unsent.incrementAndGet();
        WebSockets.sendText(text, channel, new WebSocketCallback<Void>() {
            @Override
            public void complete(WebSocketChannel ch, Void context) {
                unsent.decrementAndGet();
            }

            @Override
            public void onError(WebSocketChannel ch, Void context, Throwable throwable) {
                unsent.decrementAndGet();
            }
        });
    }

    long dropped() {
        return dropped.get();
    }

    synchronized void close(int code, String reason) {
        if (!channel.isOpen()) {
            return;
        }
        WebSockets.sendClose(code, reason, channel, new WebSocketCallback<Void>() {
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
