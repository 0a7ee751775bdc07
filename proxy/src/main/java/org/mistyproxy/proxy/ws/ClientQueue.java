package org.mistyproxy.proxy.ws;

import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.function.Predicate;

/**
 * Robot-to-client messages waiting for one client. The robot side only ever appends (never
 * waits), at most {@link #MAX_IN_FLIGHT} sends are in flight, and the queue is bounded: when it
 * is full the oldest periodic event goes first; if nothing in it may be dropped, the client is too slow to keep.
 */
final class ClientQueue {

    /** What {@link #offer} did with a message. */
    enum Offer {
        QUEUED,
        /** the queue is full of messages that must not be lost: close the client */
        OVERFLOW,
        CLOSED
    }

    private static final class Entry {
        final String text;
        final ByteBuffer binary;
        final long size;
        private int periodic = -1; // classified lazily: most messages are sent before anyone asks

        Entry(String text, ByteBuffer binary) {
            this.text = text;
            this.binary = binary;
            // chars, not UTF-8 bytes: an estimate is enough for a memory bound, and it is free
            this.size = text != null ? text.length() : binary.remaining();
        }

        boolean periodic(Predicate<String> classifier) {
            if (periodic < 0) {
                periodic = text != null && classifier.test(text) ? 1 : 0;
            }
            return periodic == 1;
        }
    }

    /**
     * Up to this many sends are handed to Undertow at once: the frames of a burst (the robot sends
     * each tick of all subscriptions together) then go out in one gathering write on the client's
     * IO thread instead of one write, and one wake-up of that thread, per event (bench/ws-relay).
     */
    static final int MAX_IN_FLIGHT = 16;

    private final int maxMessages;
    private final long maxBytes;
    private final Predicate<String> periodicEvent;
    private final PubSubMetrics metrics;
    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    private long bytes;
    private WebSocketChannel channel;
    /** Sends handed to Undertow and not yet completed. */
    private int inFlight;
    /** When the sends in flight last made progress (one started from none, or one completed). */
    private long progressAt;
    private boolean closed;
    private Thread pumping;
    private Runnable onSendFailure = () -> {};

    ClientQueue(int maxMessages, long maxBytes, Predicate<String> periodicEvent, PubSubMetrics metrics) {
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        this.periodicEvent = periodicEvent;
        this.metrics = metrics;
    }

    /** Starts sending (messages that arrived during the handshake go first). */
    void attach(WebSocketChannel channel, Runnable onSendFailure) {
        synchronized (this) {
            this.channel = channel;
            this.onSendFailure = onSendFailure;
        }
        pump();
    }

    Offer offerText(String text) {
        return offer(new Entry(text, null));
    }

    Offer offerBinary(ByteBuffer data) {
        return offer(new Entry(null, data));
    }

    private Offer offer(Entry e) {
        synchronized (this) {
            if (closed) {
                return Offer.CLOSED;
            }
            while (!queue.isEmpty() && (queue.size() + 1 > maxMessages || bytes + e.size > maxBytes)) {
                if (!dropOldestPeriodic()) {
                    if (e.periodic(periodicEvent)) {
                        metrics.dropped.increment();
                        return Offer.QUEUED; // the newest of a stream is as droppable as the oldest
                    }
                    return Offer.OVERFLOW;
                }
            }
            add(e);
        }
        pump();
        return Offer.QUEUED;
    }

    private void add(Entry e) {
        queue.addLast(e);
        bytes += e.size;
        metrics.queuedBytes.addAndGet(e.size);
    }

    private boolean dropOldestPeriodic() {
        for (Iterator<Entry> it = queue.iterator(); it.hasNext(); ) {
            Entry old = it.next();
            if (old.periodic(periodicEvent)) {
                it.remove();
                bytes -= old.size;
                metrics.queuedBytes.addAndGet(-old.size);
                metrics.dropped.increment();
                return true;
            }
        }
        return false;
    }

    /** How long the sends in flight have made no progress, in nanoseconds (0 if none). */
    synchronized long stalledNanos(long now) {
        return inFlight > 0 ? now - progressAt : 0;
    }

    /** Forgets everything queued; later offers are refused. */
    void close() {
        synchronized (this) {
            closed = true;
            metrics.queuedBytes.addAndGet(-bytes);
            bytes = 0;
            queue.clear();
        }
    }

    /**
     * Sends queued messages one at a time. A send that completes on this very thread returns
     * here instead of recursing, so a fast client does not grow the stack.
     */
    private void pump() {
        while (true) {
            Entry next;
            WebSocketChannel ch;
            synchronized (this) {
                if (inFlight >= MAX_IN_FLIGHT || channel == null || closed || queue.isEmpty() || pumping != null) {
                    return;
                }
                next = queue.pollFirst();
                bytes -= next.size;
                metrics.queuedBytes.addAndGet(-next.size);
                if (inFlight++ == 0) progressAt = System.nanoTime();
                pumping = Thread.currentThread();
                ch = channel;
            }
            try {
                if (next.text != null) {
                    WebSockets.sendText(next.text, ch, callback);
                } else {
                    WebSockets.sendBinary(next.binary, ch, callback);
                }
            } finally {
                synchronized (this) {
                    pumping = null;
                }
            }
        }
    }

    private final WebSocketCallback<Void> callback = new WebSocketCallback<>() {
        @Override
        public void complete(WebSocketChannel channel, Void context) {
            boolean nested;
            synchronized (ClientQueue.this) {
                inFlight--;
                progressAt = System.nanoTime();
                nested = pumping == Thread.currentThread();
            }
            metrics.toClient.increment();
            if (!nested) {
                pump();
            }
        }

        @Override
        public void onError(WebSocketChannel channel, Void context, Throwable throwable) {
            boolean first; // with several sends in flight each can fail: the client is lost once
            synchronized (ClientQueue.this) {
                inFlight--;
                first = !closed;
            }
            close();
            if (first) onSendFailure.run();
        }
    };
}
