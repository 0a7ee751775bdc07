package org.mistyproxy.proxy.front;

import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.mistyproxy.proxy.gate.ControlEnvelope;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;

/**
 * Reads a small request body (the control API's JSON) on the exchange's IO thread, without
 * blocking any thread, before the request is handed to a worker. A worker thread therefore never
 * waits on a client: a client that sends a head and then stalls holds only its own connection,
 * and gets {@code 408} (and the connection closed) when the deadline passes. A body over the
 * bound is refused with {@code 413} before it is read.
 */
public final class WholeBody {
    /** The bytes read, for the handler that runs next (empty when the request had no body). */
    public static final AttachmentKey<byte[]> BYTES = AttachmentKey.create(byte[].class);

    private final int maxBytes;
    private final Duration deadline;

    /**
     * @param maxBytes the largest body accepted
     * @param deadline how long the whole body may take to arrive once the head is in
     */
    public WholeBody(int maxBytes, Duration deadline) {
        this.maxBytes = maxBytes;
        this.deadline = deadline;
    }

    public int maxBytes() {
        return maxBytes;
    }

    /** Reads the body, attaches it as {@link #BYTES}, then runs {@code next} (on the IO thread; dispatch from there). */
    public void readThen(HttpServerExchange ex, Runnable next) {
        String length = ex.getRequestHeaders().getFirst(Headers.CONTENT_LENGTH);
        boolean chunked = ex.getRequestHeaders().contains(Headers.TRANSFER_ENCODING);
        if (!chunked && (length == null || length.equals("0"))) {
            ex.putAttachment(BYTES, new byte[0]);
            next.run();
            return;
        }
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                declared = Long.MAX_VALUE; // Undertow refuses a malformed length before this runs
            }
            if (declared > maxBytes) {
                refuse(ex, 413, "request body is larger than " + maxBytes + " bytes");
                return;
            }
        }
        ex.setMaxEntitySize(maxBytes);
        boolean[] over = new boolean[1];
        XnioExecutor.Key timer = ex.getIoThread().executeAfter(() -> {
            if (over[0]) return;
            over[0] = true;
            refuse(ex, 408, "request body not received within " + deadline.toSeconds() + " s");
        }, deadline.toMillis(), TimeUnit.MILLISECONDS);
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        // Partial reads, counted here: a chunked body's size is only known while it arrives.
        ex.getRequestReceiver().receivePartialBytes((e, data, last) -> {
            if (over[0]) return;
            got.write(data, 0, data.length);
            if (got.size() > maxBytes) {
                over[0] = true;
                timer.remove();
                e.getRequestReceiver().pause();
                refuse(e, 413, "request body is larger than " + maxBytes + " bytes");
                return;
            }
            if (!last) return;
            over[0] = true;
            timer.remove();
            e.putAttachment(BYTES, got.toByteArray());
            next.run();
        }, (e, error) -> {
            if (over[0]) return;
            over[0] = true;
            timer.remove();
            if (error instanceof RequestTooBigException) {
                refuse(e, 413, "request body is larger than " + maxBytes + " bytes");
            } else {
                IoUtils.safeClose(e.getConnection()); // the client went away mid-body: nobody to answer
            }
        });
    }

    /** Answers and closes the connection: the rest of the body is never read. */
    private static void refuse(HttpServerExchange ex, int status, String message) {
        ControlEnvelope.sendThenClose(ex, status, message);
    }
}
