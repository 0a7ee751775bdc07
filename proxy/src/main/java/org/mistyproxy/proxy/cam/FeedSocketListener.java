package org.mistyproxy.proxy.cam;

import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.CloseMessage;
import io.undertow.websockets.core.StreamSourceFrameChannel;
import io.undertow.websockets.core.WebSocketChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.xnio.ChannelListener;
import org.xnio.IoUtils;

/**
 * What a feed socket does with what its client sends: control frames (ping, close) as usual;
 * data messages are read into a tiny scratch buffer and dropped, and a message longer than
 * {@link #MAX_MESSAGE_BYTES} (finished or not) closes the socket with 1009. A feed has no use for
 * client messages, and nothing a client sends is ever held in memory.
 */
final class FeedSocketListener extends AbstractReceiveListener {

    /** The size of a WebSocket control frame payload: room for a client's "keepalive" text, no more. */
    static final int MAX_MESSAGE_BYTES = 125;

    private final ByteBuffer scratch = ByteBuffer.allocate(MAX_MESSAGE_BYTES + 1);
    private final Runnable onTooBig;
    private long messageBytes;
    private boolean refused;

    FeedSocketListener(Runnable onTooBig) {
        this.onTooBig = onTooBig;
    }

    @Override
    protected void onText(WebSocketChannel ws, StreamSourceFrameChannel message) {
        discard(ws, message);
    }

    @Override
    protected void onBinary(WebSocketChannel ws, StreamSourceFrameChannel message) {
        discard(ws, message);
    }

    private void discard(WebSocketChannel ws, StreamSourceFrameChannel message) {
        ChannelListener<StreamSourceFrameChannel> reader = m -> read(ws, m);
        message.getReadSetter().set(reader);
        read(ws, message);
    }

    private void read(WebSocketChannel ws, StreamSourceFrameChannel message) {
        if (refused) {
            return;
        }
        try {
            int n;
            do {
                scratch.clear();
                n = message.read(scratch);
                if (n > 0) {
                    messageBytes += n;
                }
                if (messageBytes > MAX_MESSAGE_BYTES) {
                    tooBig(ws, message);
                    return;
                }
            } while (n > 0);
            if (n < 0) {
                if (message.isFinalFragment()) {
                    messageBytes = 0;
                }
                message.close();
            } else {
                message.resumeReads();
            }
        } catch (IOException e) {
            IoUtils.safeClose(ws);
        }
    }

    private void tooBig(WebSocketChannel ws, StreamSourceFrameChannel message) {
        refused = true;
        message.suspendReads();
        ws.suspendReceives();
        onTooBig.run();
        WebSocketFeed.closeNow(ws, CloseMessage.MSG_TOO_BIG,
                "a feed reads no client messages (at most " + MAX_MESSAGE_BYTES + " bytes)");
    }
}
