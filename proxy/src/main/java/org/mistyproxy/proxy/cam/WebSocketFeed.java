package org.mistyproxy.proxy.cam;

import io.undertow.websockets.core.CloseMessage;
import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.Options;

/**
 * A WebSocket feed: text frames {@code data:image/jpeg;base64,...}, what rerobots sandboxes
 * consume. Each image goes out with Undertow's non-blocking send and its completion callback; at
 * most one image is in flight per viewer.
 */
final class WebSocketFeed extends FeedViewer {

    private static final Logger log = LoggerFactory.getLogger(WebSocketFeed.class);

    private final WebSocketChannel channel;
    private final String cameraId;

    WebSocketFeed(FeedHub hub, WebSocketChannel channel, CamMetrics metrics, Runnable onEnd) {
        super(hub, channel.getIoThread(), metrics, onEnd);
        this.channel = channel;
        this.cameraId = hub.cameraId();
    }

    /** On the IO thread, in the connection callback. */
    void start(FeedHub hub) {
        try {
            channel.setOption(Options.SEND_BUFFER, SEND_BUFFER_BYTES);
        } catch (IOException e) {
            log.debug("event=cam_feed_sndbuf camera={} cause={}", cameraId, e.toString());
        }
        channel.addCloseTask(c -> ended());
        hub.join(this);
    }

    @Override
    void send(FeedFrame f) {
        if (!channel.isOpen() || channel.isCloseFrameSent() || channel.isCloseFrameReceived()) {
            ended();
            return;
        }
        WebSockets.sendText(f.text().duplicate(), channel, new WebSocketCallback<Void>() {
            @Override
            public void complete(WebSocketChannel ch, Void context) {
                written(f);
            }

            @Override
            public void onError(WebSocketChannel ch, Void context, Throwable error) {
                log.debug("event=cam_feed_ended kind=websocket camera={} cause={}", cameraId, error.toString());
                IoUtils.safeClose(ch);
                ended();
            }
        });
    }

    @Override
    void close(int code, String reason) {
        io().execute(() -> closeNow(channel, code, reason));
    }

    /** Sends a close frame, lets the peer answer it, but closes within 2 s regardless. IO thread. */
    static void closeNow(WebSocketChannel channel, int code, String reason) {
        if (!channel.isOpen()) {
            return;
        }
        if (!channel.isCloseFrameSent()) {
            WebSockets.sendClose(new CloseMessage(code, reason), channel, null);
        }
        channel.getIoThread().executeAfter(() -> IoUtils.safeClose(channel), 2, TimeUnit.SECONDS);
    }
}
