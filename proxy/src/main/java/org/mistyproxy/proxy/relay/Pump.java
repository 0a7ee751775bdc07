package org.mistyproxy.proxy.relay;

import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channel;
import org.xnio.ChannelListener;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.channels.StreamSourceChannel;

/**
 * Moves a body from one channel to another through one pooled buffer, so a body of any size
 * costs one buffer of memory. Both channels belong to the same IO thread (the relay keeps
 * upstream connections per IO thread), so there is no locking. Reports every move, so the relay
 * can tell a slow transfer from a stalled one.
 */
final class Pump implements ChannelListener<Channel> {

    /** What the owner of a pump hears. All calls come on the channels' IO thread. */
    interface Observer {
        /** Bytes moved. */
        void moved(Pump pump);

        /**
         * The source ended; the sink is about to be shut down. Comes before {@link #finished}
         * because shutting down the server's response can complete the exchange at once.
         */
        void drained(Pump pump);

        /** The source ended and everything was written and flushed to the sink, which is shut down. */
        void finished(Pump pump);

        /** Reading ({@code readSide}) or writing failed; the pump has stopped. */
        void failed(Pump pump, IOException e, boolean readSide);
    }

    private final StreamSourceChannel source;
    private final StreamSinkChannel sink;
    private final ByteBufferPool pool;
    private final Observer observer;
    private PooledByteBuffer pooled;
    private boolean pending;
    private boolean shuttingDown;
    private boolean stopped;
    private long bytes;

    Pump(StreamSourceChannel source, StreamSinkChannel sink, ByteBufferPool pool, Observer observer) {
        this.source = source;
        this.sink = sink;
        this.pool = pool;
        this.observer = observer;
    }

    void start() {
        pooled = pool.allocate();
        source.getReadSetter().set(this);
        sink.getWriteSetter().set(this);
        handleEvent(null);
    }

    long bytes() {
        return bytes;
    }

    boolean stopped() {
        return stopped;
    }

    /** Stops without touching the channels (their owner closes them). */
    void stop() {
        if (!stopped) {
            stopped = true;
            release();
        }
    }

    @Override
    public void handleEvent(Channel channel) {
        if (stopped) {
            return;
        }
        ByteBuffer buf = pooled.getBuffer();
        for (;;) {
            if (pending) {
                try {
                    sink.write(buf);
                } catch (IOException e) {
                    fail(e, false);
                    return;
                }
                if (buf.hasRemaining()) {
                    source.suspendReads();
                    sink.resumeWrites();
                    return;
                }
                pending = false;
            }
            if (shuttingDown) {
                boolean flushed;
                try {
                    flushed = sink.flush();
                } catch (IOException e) {
                    fail(e, false);
                    return;
                }
                if (flushed) {
                    stopped = true;
                    sink.suspendWrites();
                    release();
                    observer.finished(this);
                } else {
                    sink.resumeWrites();
                }
                return;
            }
            buf.clear();
            int n;
            try {
                n = source.read(buf);
            } catch (IOException e) {
                fail(e, true);
                return;
            }
            if (n < 0) {
                source.suspendReads();
                observer.drained(this);
                try {
                    sink.shutdownWrites();
                } catch (IOException e) {
                    fail(e, false);
                    return;
                }
                shuttingDown = true;
                continue;
            }
            if (n == 0) {
                // Nothing to read now: push out what the sink buffers, then wait for either side.
                boolean flushed;
                try {
                    flushed = sink.flush();
                } catch (IOException e) {
                    fail(e, false);
                    return;
                }
                if (flushed) {
                    sink.suspendWrites();
                } else {
                    sink.resumeWrites();
                }
                source.resumeReads();
                return;
            }
            buf.flip();
            pending = true;
            bytes += n;
            observer.moved(this);
            if (stopped) {
                return; // the observer gave up (e.g. a limit was hit)
            }
        }
    }

    private void fail(IOException e, boolean readSide) {
        stopped = true;
        source.suspendReads();
        sink.suspendWrites();
        release();
        observer.failed(this, e, readSide);
    }

    private void release() {
        if (pooled != null) {
            pooled.close();
            pooled = null;
        }
    }
}
