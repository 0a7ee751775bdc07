package org.mistyproxy.proxy.relay;

import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Consumer;
import org.xnio.ChannelListener;
import org.xnio.channels.StreamSourceChannel;

/**
 * Reads a whole response body that must be redacted, up to a cap; only such responses are held
 * in memory. Non-blocking: reads as data arrives, on the channel's IO thread.
 */
final class ResponseBuffer implements ChannelListener<StreamSourceChannel> {

    interface Failed {
        void failed(IOException e, boolean tooBig);
    }

    private final StreamSourceChannel source;
    private final int limit;
    private final ByteBufferPool pool;
    private final Consumer<byte[]> done;
    private final Failed failed;
    private byte[] data = new byte[8192];
    private int size;
    private boolean stopped;

    ResponseBuffer(StreamSourceChannel source, int limit, ByteBufferPool pool, Consumer<byte[]> done, Failed failed) {
        this.source = source;
        this.limit = limit;
        this.pool = pool;
        this.done = done;
        this.failed = failed;
    }

    void start() {
        source.getReadSetter().set(this);
        handleEvent(source);
    }

    void stop() {
        if (!stopped) {
            stopped = true;
            source.suspendReads();
        }
    }

    @Override
    public void handleEvent(StreamSourceChannel channel) {
        if (stopped) {
            return;
        }
        try (PooledByteBuffer pooled = pool.allocate()) {
            ByteBuffer buf = pooled.getBuffer();
            for (;;) {
                buf.clear();
                int n = source.read(buf);
                if (n < 0) {
                    stop();
                    done.accept(Arrays.copyOf(data, size));
                    return;
                }
                if (n == 0) {
                    source.resumeReads();
                    return;
                }
                if (size + n > limit) {
                    stop();
                    failed.failed(null, true);
                    return;
                }
                if (size + n > data.length) {
                    data = Arrays.copyOf(data, Math.min(limit, Math.max(size + n, data.length * 2)));
                }
                buf.flip();
                buf.get(data, size, n);
                size += n;
            }
        } catch (IOException e) {
            stop();
            failed.failed(e, false);
        }
    }
}
