package org.mistyproxy.proxy.cam;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.OutputStream;
import org.mistyproxy.camera.CameraView;
import org.mistyproxy.camera.ImageFormat;
import org.mistyproxy.camera.Snapshot;
import org.mistyproxy.camera.SnapshotRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.Options;

/** An MJPEG feed ({@code multipart/x-mixed-replace}) for a plain {@code <img src>}. */
final class MjpegFeed implements Feed {

    static final String BOUNDARY = "mistyproxyframe";
    private static final Logger log = LoggerFactory.getLogger(MjpegFeed.class);

    private final CameraView view;
    private final HttpServerExchange exchange;
    private final CamMetrics metrics;
    private final Runnable onEnd;
    private volatile boolean closed;

    MjpegFeed(CameraView view, HttpServerExchange exchange, CamMetrics metrics, Runnable onEnd) {
        this.view = view;
        this.exchange = exchange;
        this.metrics = metrics;
        this.onEnd = onEnd;
    }

    @Override
    public void run() {
        metrics.mjpegFeeds.incrementAndGet();
        try {
            exchange.getConnection().setOption(Options.SEND_BUFFER, FeedLoop.SEND_BUFFER_BYTES);
            exchange.startBlocking();
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "multipart/x-mixed-replace; boundary=" + BOUNDARY);
            exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
            OutputStream out = exchange.getOutputStream();
            FeedLoop.run(view, SnapshotRequest.of(ImageFormat.JPEG), new FeedLoop.Sink() {
                @Override
                public void frame(Snapshot s) throws IOException {
                    out.write(FeedFrames.mjpegPart(s.data(), s.sequence()));
                    out.flush();
                    metrics.feedFrameSent();
                }

                @Override
                public void notice(byte[] jpeg) throws IOException {
                    out.write(FeedFrames.mjpegPart(jpeg, 0));
                    out.flush();
                }

                @Override
                public boolean open() {
                    return !closed && exchange.getConnection().isOpen();
                }
            });
        } catch (IOException e) {
            log.debug("event=cam_feed_ended kind=mjpeg camera={} cause={}", view.id(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            metrics.mjpegFeeds.decrementAndGet();
            IoUtils.safeClose(exchange.getConnection());
            onEnd.run();
        }
    }

    @Override
    public void close(String reason) {
        closed = true;
        IoUtils.safeClose(exchange.getConnection());
    }
}
