package org.mistyproxy.proxy.cam;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;
import org.xnio.Options;
import org.xnio.channels.StreamSinkChannel;

/**
 * An MJPEG feed ({@code multipart/x-mixed-replace}) for a plain {@code <img src>}: each image is
 * one part, written from the shared buffer with non-blocking writes; a write the socket cannot
 * take now resumes from XNIO's write listener.
 */
final class MjpegFeed extends FeedViewer {

    static final String BOUNDARY = "mistyproxyframe";
    private static final Logger log = LoggerFactory.getLogger(MjpegFeed.class);

    private final HttpServerExchange exchange;
    private final String cameraId;
    // IO thread only.
    private StreamSinkChannel sink;
    private ByteBuffer pending;
    private FeedFrame inFlight;

    MjpegFeed(FeedHub hub, HttpServerExchange exchange, CamMetrics metrics, Runnable onEnd) {
        super(hub, exchange.getIoThread(), metrics, onEnd);
        this.exchange = exchange;
        this.cameraId = hub.cameraId();
    }

    /** On the IO thread, once the handler has returned (the exchange stays open). */
    void start(FeedHub hub) {
        if (!exchange.getConnection().isOpen()) {
            ended(); // gone before we started: its close listener would never run
            return;
        }
        try {
            exchange.getConnection().setOption(Options.SEND_BUFFER, SEND_BUFFER_BYTES);
        } catch (IOException e) {
            log.debug("event=cam_feed_sndbuf camera={} cause={}", cameraId, e.toString());
        }
        exchange.getConnection().addCloseListener(c -> ended());
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "multipart/x-mixed-replace; boundary=" + BOUNDARY);
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        sink = exchange.getResponseChannel();
        sink.getWriteSetter().set((ChannelListener<StreamSinkChannel>) c -> writeSome());
        hub.join(this);
    }

    @Override
    void send(FeedFrame f) {
        inFlight = f;
        pending = f.mjpeg().duplicate();
        writeSome();
    }

    private void writeSome() {
        if (pending == null) {
            sink.suspendWrites();
            return;
        }
        try {
            while (pending.hasRemaining()) {
                if (sink.write(pending) == 0) {
                    sink.resumeWrites();
                    return;
                }
            }
            if (!sink.flush()) {
                sink.resumeWrites();
                return;
            }
        } catch (IOException e) {
            log.debug("event=cam_feed_ended kind=mjpeg camera={} cause={}", cameraId, e.toString());
            IoUtils.safeClose(exchange.getConnection());
            ended();
            return;
        }
        sink.suspendWrites();
        FeedFrame done = inFlight;
        pending = null;
        inFlight = null;
        written(done);
    }

    @Override
    void close(int code, String reason) {
        io().execute(() -> IoUtils.safeClose(exchange.getConnection()));
    }
}
