package org.mistyproxy.proxy.quota;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One admitted {@code /pubsub} socket's share of its instance's quotas: client messages per second
 * and subscriptions are summed over all the instance's sockets, so opening more sockets does not
 * multiply them. {@link #close} gives back the socket and its subscriptions (idempotent).
 */
public final class SocketQuota {
    private final InstanceUsage usage;
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    SocketQuota(InstanceUsage usage) {
        this.usage = usage;
    }

    /** Null when the message may go on, else why not (naming the quota). */
    public String takeMessage() {
        InstanceUsage.Limits l = usage.limits();
        if (l.wsMessages().take(System.nanoTime())) return null;
        return "quota ws_messages_per_second: more than " + l.quotas().wsMessagesPerSecond()
                + " client messages per second over this instance's sockets";
    }

    /** Null when one more subscription may be made, else why not (naming the quota). */
    public String takeSubscription() {
        int limit = usage.limits().quotas().subscriptions();
        if (!InstanceUsage.take(usage.subscriptions, limit)) {
            return "quota subscriptions: this instance holds " + limit
                    + " subscriptions over its sockets already (the limit)";
        }
        held.incrementAndGet();
        return null;
    }

    /** An unsubscribe went through. */
    public void releaseSubscription() {
        if (held.getAndUpdate(n -> Math.max(0, n - 1)) > 0) usage.subscriptions.decrementAndGet();
    }

    /** The socket ended: its subscriptions and its place go back to the instance. */
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        usage.subscriptions.addAndGet(-held.getAndSet(0));
        usage.sockets.decrementAndGet();
    }
}
