package org.mistyproxy.proxy.cam;

import io.undertow.websockets.core.CloseMessage;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.mistyproxy.camera.CameraView;
import org.mistyproxy.camera.Snapshot;
import org.mistyproxy.camera.SnapshotRequest;
import org.mistyproxy.camera.ImageFormat;
import org.xnio.IoUtils;
import org.xnio.Options;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A WebSocket feed: text frames {@code data:image/jpeg;base64,...}, what rerobots sandboxes consume. */
final class WebSocketFeed implements Feed {

    private static final Logger log = LoggerFactory.getLogger(WebSocketFeed.class);

    private final CameraView view;
    private final WebSocketChannel channel;
    private final FeedFrames frames;
    private final CamMetrics metrics;
    private final Runnable onEnd;
    private volatile boolean closed;

    WebSocketFeed(CameraView view, WebSocketChannel channel, FeedFrames frames, CamMetrics metrics, Runnable onEnd) {
        this.view = view;
        this.channel = channel;
        this.frames = frames;
        this.metrics = metrics;
        this.onEnd = onEnd;
    }

    @Override
    public void run() {
        metrics.wsFeeds.incrementAndGet();
        try {
            channel.setOption(Options.SEND_BUFFER, FeedLoop.SEND_BUFFER_BYTES);
            FeedLoop.run(view, SnapshotRequest.of(ImageFormat.JPEG), new FeedLoop.Sink() {
                @Override
                public void frame(Snapshot s) throws IOException {
                    WebSockets.sendTextBlocking(frames.dataUrl(s), channel);
                    metrics.feedFrameSent();
                }

                @Override
                public void notice(byte[] jpeg) throws IOException {
                    WebSockets.sendTextBlocking(FeedFrames.dataUrl(jpeg), channel);
                }

                @Override
                public boolean open() {
                    return !closed && channel.isOpen() && !channel.isCloseFrameReceived();
                }
            });
        } catch (IOException e) {
            log.debug("event=cam_feed_ended kind=websocket camera={} cause={}", view.id(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            metrics.wsFeeds.decrementAndGet();
            if (closed) {
                // Our close frame is queued: let the peer answer it, but do not wait for ever.
                channel.getIoThread().executeAfter(() -> IoUtils.safeClose(channel), 2, TimeUnit.SECONDS);
            } else {
                IoUtils.safeClose(channel);
            }
            onEnd.run();
        }
    }

    @Override
    public void close(String reason) {
        closed = true;
        WebSockets.sendClose(new CloseMessage(CloseMessage.GOING_AWAY, reason), channel, null);
    }
}
