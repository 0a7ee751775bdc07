package org.mistyproxy.proxy.cam;

import java.util.concurrent.atomic.AtomicBoolean;
import org.xnio.XnioIoThread;

/**
 * One viewer of a {@link FeedHub}: sends the hub's newest image whenever it is idle, on its
 * connection's IO thread, with non-blocking writes. Every field but the two flags is touched only
 * on that IO thread. A busy viewer is not woken; when its write completes it looks at the newest
 * image itself, so images arriving meanwhile are skipped, not queued.
 */
abstract class FeedViewer {

    /**
     * Kernel send buffer for feed sockets. Left to autotuning, Linux grows it to megabytes, which
     * would hold seconds of stale frames for a slow viewer; this keeps about one frame in flight.
     */
    static final int SEND_BUFFER_BYTES = 32 * 1024;

    private final FeedHub hub;
    private final XnioIoThread io;
    private final CamMetrics metrics;
    private final Runnable onEnd;
    private final AtomicBoolean wakeQueued = new AtomicBoolean();
    private final Runnable drain = this::drain;
    // Read by the pump to skip busy viewers; see drain() for why no wake-up is lost.
    private volatile boolean busy;
    private volatile boolean ended;
    private long lastSent = -1;

    FeedViewer(FeedHub hub, XnioIoThread io, CamMetrics metrics, Runnable onEnd) {
        this.hub = hub;
        this.io = io;
        this.metrics = metrics;
        this.onEnd = onEnd;
    }

    /** Any thread: there may be a newer image. */
    final void wake() {
        if (!busy && !ended && wakeQueued.compareAndSet(false, true)) {
            try {
                io.execute(drain);
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // the server is stopping its IO threads: this viewer's connection goes with them
                wakeQueued.set(false);
            }
        }
    }

    /*
     * The pump sets hub.latest, then reads busy; this clears busy, then reads hub.latest. Both are
     * volatile, so at least one side sees the other's write: a new image is never left unsent.
     */
    private void drain() {
        wakeQueued.set(false);
        if (busy || ended) {
            return;
        }
        FeedFrame f = hub.latest();
        if (f == null || f.id() == lastSent) {
            return;
        }
        busy = true;
        lastSent = f.id();
        send(f);
    }

    /** Subclasses, on the IO thread: the image given to {@link #send} is written completely. */
    final void written(FeedFrame f) {
        if (f.isFrame()) {
            metrics.feedFrameSent();
        }
        busy = false;
        drain();
    }

    /** Subclasses, on the IO thread: the connection is gone (idempotent). */
    final void ended() {
        if (ended) {
            return;
        }
        ended = true;
        hub.leave(this);
        onEnd.run();
    }

    final XnioIoThread io() {
        return io;
    }

    /** Starts writing {@code f} without blocking; calls {@link #written} when done, {@link #ended} on failure. */
    abstract void send(FeedFrame f);

    /** Any thread: ends the feed (a WebSocket viewer gets a close frame with this code and reason). */
    abstract void close(int code, String reason);
}
