package org.mistyproxy.proxy.cam;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.mistyproxy.camera.CameraUnavailableException;
import org.mistyproxy.camera.CameraView;
import org.mistyproxy.camera.ImageFormat;
import org.mistyproxy.camera.Snapshot;
import org.mistyproxy.camera.SnapshotRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live feeds of one camera: one pump thread (only while someone watches) waits for each new
 * frame, has it encoded once, keeps it as {@link #latest()} and wakes the viewers. Viewers write on
 * their connections' IO threads without blocking; a viewer still busy with an earlier image just
 * takes the newest one when it is done, so a slow viewer skips frames and nothing queues. Memory
 * is bounded by one image per viewer in flight plus the newest.
 *
 * <p>While the camera is unavailable the newest image is a grey card naming the cause (again
 * when the cause changes, and every 5 s), so viewers that join during an outage see it too.
 */
final class FeedHub {

    private static final Logger log = LoggerFactory.getLogger(FeedHub.class);
    private static final Duration WAIT = Duration.ofSeconds(1);
    private static final long RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long NOTICE_REPEAT_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final SnapshotRequest JPEG = SnapshotRequest.of(ImageFormat.JPEG);

    private final CameraView view;
    private final Set<FeedViewer> viewers = ConcurrentHashMap.newKeySet();
    private volatile FeedFrame latest;
    // Guarded by this.
    private Thread pump;
    private boolean closed;
    // Pump thread only.
    private long nextId;

    FeedHub(CameraView view) {
        this.view = view;
    }

    String cameraId() {
        return view.id();
    }

    /** The newest image, or null before the first one. */
    FeedFrame latest() {
        return latest;
    }

    void join(FeedViewer v) {
        synchronized (this) {
            if (closed) {
                return;
            }
            viewers.add(v);
            if (pump == null) {
                latest = null; // whatever an earlier pump left is stale now
                pump = new Thread(this::pump, "cam-feed " + view.id());
                pump.setDaemon(true);
                pump.start();
            }
        }
        v.wake();
    }

    void leave(FeedViewer v) {
        viewers.remove(v);
    }

    /** Stops the pump for good (server shutdown); viewers are closed by their owner. */
    void close() {
        Thread t;
        synchronized (this) {
            closed = true;
            t = pump;
        }
        if (t != null) {
            t.interrupt();
        }
    }

    private boolean keepPumping() {
        synchronized (this) {
            if (viewers.isEmpty() || closed) {
                pump = null;
                return false;
            }
            return true;
        }
    }

    private void pump() {
        long last = 0;
        String notice = null;
        byte[] card = null;
        long cardSent = 0;
        while (keepPumping()) {
            try {
                Snapshot s = view.next(last, JPEG, WAIT);
                if (s == null) {
                    continue;
                }
                last = s.sequence();
                notice = null;
                publish(FeedFrame.of(++nextId, s));
            } catch (CameraUnavailableException e) {
                if (!e.getMessage().equals(notice)) {
                    notice = e.getMessage();
                    card = view.noticeJpeg(notice, JPEG);
                    cardSent = System.nanoTime();
                    publish(FeedFrame.notice(++nextId, card));
                } else if (System.nanoTime() - cardSent > NOTICE_REPEAT_NANOS) {
                    // Also during a long outage every viewer gets a write now and then, so a viewer
                    // that went away is noticed (and its feed given back) without waiting for frames.
                    cardSent = System.nanoTime();
                    publish(FeedFrame.notice(++nextId, card));
                }
                try {
                    TimeUnit.NANOSECONDS.sleep(RETRY_NANOS);
                } catch (InterruptedException ie) {
                    return;
                }
            } catch (RuntimeException e) {
                // Never let one bad frame end the feeds; the next frame gets a fresh try.
                log.warn("event=cam_feed_frame_failed camera={} cause=\"{}\"", view.id(), e.toString());
            }
        }
    }

    private void publish(FeedFrame f) {
        latest = f;
        for (FeedViewer v : viewers) {
            v.wake();
        }
    }
}
