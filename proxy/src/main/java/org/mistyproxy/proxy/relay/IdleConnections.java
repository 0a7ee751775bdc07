package org.mistyproxy.proxy.relay;

import io.undertow.client.ClientConnection;
import org.xnio.IoUtils;

/**
 * The idle keep-alive connections of one robot on one IO thread: a stack (the most recently used
 * connection is the warmest and the least likely to have been dropped), each with the time it
 * went idle. Used by one thread only; no allocation per use.
 */
final class IdleConnections {
    private final ClientConnection[] connections;
    private final long[] idleSince;
    private int size;

    IdleConnections(int capacity) {
        connections = new ClientConnection[capacity];
        idleSince = new long[capacity];
    }

    /** Keeps a connection, or closes it when the stack is full. */
    void push(ClientConnection c, long now) {
        if (size == connections.length) {
            IoUtils.safeClose(c);
            return;
        }
        connections[size] = c;
        idleSince[size] = now;
        size++;
    }

    /**
     * The warmest connection still open and idle for less than {@code maxIdleNanos}, or null.
     * Older ones are closed: a robot (or a NAT on the way) may have dropped them without a word,
     * and a request sent on such a connection would only time out.
     */
    ClientConnection pop(long now, long maxIdleNanos) {
        while (size > 0) {
            size--;
            ClientConnection c = connections[size];
            long since = idleSince[size];
            connections[size] = null;
            if (c.isOpen() && now - since < maxIdleNanos) {
                return c;
            }
            IoUtils.safeClose(c);
        }
        return null;
    }
}
