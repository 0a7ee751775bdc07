package org.mistyproxy.proxy.cam;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.mistyproxy.camera.CameraUnavailableException;
import org.mistyproxy.camera.CameraView;
import org.mistyproxy.camera.Snapshot;
import org.mistyproxy.camera.SnapshotRequest;

/**
 * The loop every feed runs on its own thread: wait for a frame newer than the last one sent,
 * send it (blocking), repeat. A slow client is still busy with its last frame when new ones
 * arrive, so it simply gets the newest one next: nothing queues. While the camera is
 * unavailable the client gets one card saying so per change of cause.
 */
final class FeedLoop {

    interface Sink {
        void frame(Snapshot s) throws IOException;

        void notice(byte[] jpeg) throws IOException;

        boolean open();
    }

    /**
     * Kernel send buffer for feed sockets. Left to autotuning, Linux grows it to megabytes, which
     * would hold seconds of stale frames for a slow client; this keeps about one frame in flight.
     */
    static final int SEND_BUFFER_BYTES = 32 * 1024;

    private static final Duration WAIT = Duration.ofSeconds(1);
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private FeedLoop() {}

    static void run(CameraView view, SnapshotRequest request, Sink sink) throws IOException, InterruptedException {
        long last = 0;
        String notice = null;
        while (sink.open()) {
            try {
                Snapshot s = view.next(last, request, WAIT);
                if (s == null) {
                    continue;
                }
                last = s.sequence();
                notice = null;
                sink.frame(s);
            } catch (CameraUnavailableException e) {
                if (!e.getMessage().equals(notice)) {
                    notice = e.getMessage();
                    sink.notice(view.noticeJpeg(notice, request));
                }
                TimeUnit.NANOSECONDS.sleep(RETRY_NANOS);
            }
        }
    }
}
