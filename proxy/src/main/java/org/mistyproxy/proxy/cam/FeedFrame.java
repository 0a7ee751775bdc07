package org.mistyproxy.proxy.cam;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import org.mistyproxy.camera.Snapshot;

/**
 * One image as every feed viewer of a camera receives it, in both wire forms, built once per frame
 * however many viewers there are. The buffers are read-only and shared: a viewer writes from its
 * own {@link ByteBuffer#duplicate()}.
 *
 * @param id       this hub's number for the image (frames and notice cards alike), so a viewer can
 *                 tell whether it already sent it
 * @param sequence the camera frame's sequence number; 0 for a notice card
 * @param mjpeg    a whole {@code multipart/x-mixed-replace} part: boundary, headers, JPEG, CRLF
 * @param text     the WebSocket text {@code data:image/jpeg;base64,...} as UTF-8 (ASCII) bytes
 */
record FeedFrame(long id, long sequence, ByteBuffer mjpeg, ByteBuffer text) {

    /** The wire bytes of a camera frame, shared through the frame's memo by every hub that sends it. */
    private record Wire(ByteBuffer mjpeg, ByteBuffer text) {}

    private static final Object WIRE_KEY = new Object();

    static FeedFrame of(long id, Snapshot s) {
        Wire w = s.memo().get(WIRE_KEY, () -> new Wire(mjpegPart(s.data(), s.sequence(), s.capturedAt()),
                dataUrl(s.data())));
        return new FeedFrame(id, s.sequence(), w.mjpeg(), w.text());
    }

    static FeedFrame notice(long id, byte[] jpeg) {
        return new FeedFrame(id, 0, mjpegPart(jpeg, 0, null), dataUrl(jpeg));
    }

    boolean isFrame() {
        return sequence > 0;
    }

    static ByteBuffer dataUrl(byte[] jpeg) {
        byte[] prefix = "data:image/jpeg;base64,".getBytes(StandardCharsets.US_ASCII);
        byte[] b64 = Base64.getEncoder().encode(jpeg);
        byte[] out = new byte[prefix.length + b64.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(b64, 0, out, prefix.length, b64.length);
        return ByteBuffer.wrap(out).asReadOnlyBuffer();
    }

    static ByteBuffer mjpegPart(byte[] jpeg, long sequence, Instant capturedAt) {
        String head = "--" + MjpegFeed.BOUNDARY + "\r\nContent-Type: image/jpeg\r\nContent-Length: " + jpeg.length
                + (sequence > 0 ? "\r\nX-Frame-Sequence: " + sequence : "")
                + (capturedAt != null ? "\r\nX-Frame-Captured-At: " + capturedAt : "") + "\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[h.length + jpeg.length + 2];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(jpeg, 0, out, h.length, jpeg.length);
        out[out.length - 2] = '\r';
        out[out.length - 1] = '\n';
        return ByteBuffer.wrap(out).asReadOnlyBuffer();
    }
}
