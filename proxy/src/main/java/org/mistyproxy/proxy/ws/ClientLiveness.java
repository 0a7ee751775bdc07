package org.mistyproxy.proxy.ws;

import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What a {@code /pubsub} client's side of the socket shows of it being there: when it last sent
 * anything (a message, a ping, a pong), when we last pinged it, and whether it has ever answered
 * one of our pings. Pings it when it is quiet and tells when silence means it is gone; the
 * connection acts on it. Times are {@link System#nanoTime()}.
 *
 * <p>While the robot moves, a client that has answered a ping before and is silent (not even a
 * pong, and the lease not renewed otherwise) is taken as gone: a vanished network sends no FIN and
 * no reset. Pongs do not renew the lease (an idle browser tab answers pings); they show the socket
 * lives. A client that never answers (a script that reads its socket only now and then:
 * websocket-client answers pings only inside recv()) shows nothing by being quiet; the lease governs it.
 */
final class ClientLiveness {
    /** Our own keep-alive pings carry this payload, so their pongs are not relayed. */
    static final ByteBuffer KEEPALIVE = ByteBuffer.wrap("mistyproxy-keepalive".getBytes(StandardCharsets.US_ASCII)).asReadOnlyBuffer();

    private volatile long lastFrame;
    private volatile long lastPing;
    private volatile boolean answersPings;

    ClientLiveness(long now) {
        lastFrame = now;
        lastPing = now;
    }

    /** The client sent a frame. */
    void heard(long now) {
        lastFrame = now;
    }

    /** The client answered one of our keep-alive pings. */
    void answeredPing(long now) {
        lastFrame = now;
        answersPings = true;
    }

    /**
     * While motion is leased ({@code motionHeard}: when the lease last heard from the borrower):
     * how long the client has been silent, or -1 while its silence shows nothing (it has never
     * answered a ping: a script reading its socket only now and then, which the lease governs).
     */
    long silentNanos(long now, long motionHeard) {
        return answersPings ? now - Math.max(lastFrame, motionHeard) : -1;
    }

    /**
     * Pings the client over {@code channel} if it has been quiet for {@code quiet} since it was last
     * heard from (or {@code alsoHeard}) and since the last ping.
     */
    void pingIfQuiet(WebSocketChannel channel, long now, long quiet, long alsoHeard) {
        if (now - Math.max(Math.max(lastFrame, alsoHeard), lastPing) < quiet) return;
        lastPing = now; // one ping per period, whether or not the client answers
        WebSockets.sendPing(KEEPALIVE.duplicate(), channel, null);
    }
}
