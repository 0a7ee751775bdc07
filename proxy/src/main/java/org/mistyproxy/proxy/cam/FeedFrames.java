package org.mistyproxy.proxy.cam;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;
import org.mistyproxy.camera.Snapshot;

/**
 * The WebSocket text of the newest feed frame of one camera, built once and shared by every
 * WebSocket client (the JPEG itself is already shared by the camera module's encode cache).
 */
final class FeedFrames {

    private record Text(long sequence, String text) {}

    private final AtomicReference<Text> last = new AtomicReference<>(new Text(-1, ""));

    String dataUrl(Snapshot s) {
        Text t = last.get();
        if (t.sequence() == s.sequence()) {
            return t.text();
        }
        String text = dataUrl(s.data());
        last.set(new Text(s.sequence(), text));
        return text;
    }

    static String dataUrl(byte[] jpeg) {
        return "data:image/jpeg;base64," + Base64.getEncoder().encodeToString(jpeg);
    }

    static byte[] mjpegPart(byte[] jpeg, long sequence) {
        String head = "--" + MjpegFeed.BOUNDARY + "\r\nContent-Type: image/jpeg\r\nContent-Length: " + jpeg.length
                + (sequence > 0 ? "\r\nX-Frame-Sequence: " + sequence : "") + "\r\n\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[h.length + jpeg.length + 2];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(jpeg, 0, out, h.length, jpeg.length);
        out[out.length - 2] = '\r';
        out[out.length - 1] = '\n';
        return out;
    }
}
