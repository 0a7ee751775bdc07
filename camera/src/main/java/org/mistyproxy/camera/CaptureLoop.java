package org.mistyproxy.camera;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread reading one physical source (at one size and rate) while anyone holds it, keeping
 * only the newest frame: a slow reader never makes frames queue up, it just sees a later one.
 * The source is reopened with exponential backoff when it fails, and a file is reopened at its
 * end (so it loops, and a file that went away shows up as a failure).
 */
final class CaptureLoop {

    private static final Logger log = LoggerFactory.getLogger(CaptureLoop.class);

    private final SourceKey key;
    private final CaptureSettings settings;
    private final CaptureCounters counters;
    private final long periodNanos;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // Guarded by lock.
    private int holders;
    private boolean shutDown;
    private Run run;
    private Thread lastThread;
    private long sequence;
    // Written under lock, read without it on the fast path.
    private volatile CapturedFrame latest;
    /** The frame before {@link #latest}, for readers who must not wait while the newest is encoded. */
    private volatile CapturedFrame previous;
    private volatile CameraStatus.State state = CameraStatus.State.IDLE;
    private volatile String cause;
    /** {@link #cause} in words a borrower may see ({@link PublicCause}). */
    private volatile String publicCause;

    CaptureLoop(SourceKey key, CaptureSettings settings, CaptureCounters counters) {
        this.key = key;
        this.settings = settings;
        this.counters = counters;
        this.periodNanos = TimeUnit.SECONDS.toNanos(1) / key.fps();
    }

    /** One start..stop of the thread; a stopped run's late frames are dropped. */
    private static final class Run {
        volatile boolean stopped;
        Thread thread;
    }

    void acquire() {
        lock.lock();
        try {
            if (shutDown) {
                throw new IllegalStateException("cameras are closed");
            }
            if (holders++ == 0) {
                start();
            }
        } finally {
            lock.unlock();
        }
    }

    void release() {
        lock.lock();
        try {
            if (holders > 0 && --holders == 0) {
                stop();
            }
        } finally {
            lock.unlock();
        }
    }

    void shutdown() {
        lock.lock();
        try {
            shutDown = true;
            if (holders > 0) {
                holders = 0;
                stop();
            }
        } finally {
            lock.unlock();
        }
    }

    private void start() {
        Run r = new Run();
        Thread before = lastThread;
        Thread t = new Thread(() -> loop(r, before), "capture " + key.address().display());
        t.setDaemon(true);
        r.thread = t;
        run = r;
        lastThread = t;
        latest = null;
        previous = null;
        cause = null;
        state = CameraStatus.State.STARTING;
        counters.activeLoops.incrementAndGet();
        log.info("event=capture_start source={} size={}x{} fps={}", key.address().display(), key.width(),
                key.height(), key.fps());
        t.start();
    }

    private void stop() {
        Run r = run;
        run = null;
        r.stopped = true;
        r.thread.interrupt();
        latest = null;
        previous = null;
        cause = null;
        state = CameraStatus.State.IDLE;
        counters.activeLoops.decrementAndGet();
        changed.signalAll();
        log.info("event=capture_stop source={}", key.address().display());
    }

    private void loop(Run r, Thread previous) {
        if (previous != null) {
            // A device cannot be opened twice; let the last run close it first.
            try {
                previous.join();
            } catch (InterruptedException e) {
                return;
            }
        }
        long backoff = settings.backoffMin().toNanos();
        while (!r.stopped) {
            FrameSource source = null;
            try {
                source = open(r);
                boolean gotFrame = false;
                long next = System.nanoTime();
                while (!r.stopped) {
                    long t0 = counters.threadCpuNanos();
                    byte[] bgr = source.grab();
                    if (bgr == null) {
                        if (!gotFrame) {
                            throw new SourceException("no frames in " + key.address().display(), "no frames in " + PublicCause.SOURCE);
                        }
                        break; // end of file: reopen, which loops it
                    }
                    counters.captureNanos.add(counters.threadCpuNanos() - t0);
                    publish(r, bgr);
                    gotFrame = true;
                    backoff = settings.backoffMin().toNanos();
                    if (source.paced()) {
                        next += periodNanos;
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            TimeUnit.NANOSECONDS.sleep(wait);
                        } else if (wait < -periodNanos) {
                            next = System.nanoTime(); // fell behind: drop the debt, don't burst
                        }
                    }
                }
            } catch (InterruptedException e) {
                break;
            } catch (IOException | RuntimeException e) {
                if (r.stopped) {
                    break;
                }
                String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                fail(r, why, PublicCause.of(e, key.address()));
                log.warn("event=capture_failed source={} cause=\"{}\" retry_ms={}", key.address().display(), why,
                        TimeUnit.NANOSECONDS.toMillis(backoff));
                try {
                    TimeUnit.NANOSECONDS.sleep(backoff);
                } catch (InterruptedException ie) {
                    break;
                }
                backoff = Math.min(backoff * 2, settings.backoffMax().toNanos());
            } finally {
                if (source != null) {
                    source.close();
                }
            }
        }
    }

    private FrameSource open(Run r) throws IOException {
        SourceAddress a = key.address();
        switch (a.kind()) {
            case SYNTHETIC:
                return new SyntheticSource(new SyntheticScene(key.width(), key.height(), key.fps()));
            case DEVICE:
                // The stock grabber spends ~10 s failing on a missing device; this answers at once.
                if (!Files.exists(Path.of(a.location()))) {
                    throw new SourceException("device " + a.location() + " does not exist", "the camera device does not exist");
                }
                return JavaCvBridge.openDevice(a.location(), key.width(), key.height(), key.fps());
            case FILE:
                if (!Files.isRegularFile(Path.of(a.location()))) {
                    throw new SourceException("no such file " + a.location(), "the video file does not exist");
                }
                return JavaCvBridge.openStream(a.location(), a.display(), false, key.width(), key.height());
            case NETWORK:
                return JavaCvBridge.openStream(a.location(), a.display(), true, key.width(), key.height());
            default:
                throw new IllegalStateException("unknown source kind " + a.kind());
        }
    }

    /** The synthetic scene, numbered with the sequence the frame will get. */
    private final class SyntheticSource implements FrameSource {
        private final SyntheticScene scene;

        SyntheticSource(SyntheticScene scene) {
            this.scene = scene;
        }

        @Override
        public byte[] grab() {
            return scene.render(nextSequence(), Instant.now());
        }

        @Override
        public boolean paced() {
            return true;
        }

        @Override
        public void close() {}
    }

    private long nextSequence() {
        lock.lock();
        try {
            return sequence + 1;
        } finally {
            lock.unlock();
        }
    }

    private void publish(Run r, byte[] bgr) {
        lock.lock();
        try {
            if (r.stopped) {
                return;
            }
            // The sequence never restarts, so (source, sequence) names one frame for the encode cache.
            previous = latest;
            latest = new CapturedFrame(++sequence, Instant.now(), System.nanoTime(), key.width(), key.height(), bgr);
            if (state != CameraStatus.State.RUNNING) {
                log.info("event=capture_running source={}", key.address().display());
            }
            state = CameraStatus.State.RUNNING;
            cause = null;
            counters.frames.increment();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void fail(Run r, String why, String shown) {
        lock.lock();
        try {
            if (r.stopped) {
                return;
            }
            cause = why;
            publicCause = shown;
            state = CameraStatus.State.FAILED;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    CameraStatus status() {
        CapturedFrame f = latest;
        return new CameraStatus(state, Optional.ofNullable(cause), f == null ? 0 : f.sequence(),
                Optional.ofNullable(f == null ? null : f.capturedAt()));
    }

    /** The newest frame if capture is running and it is fresh, else null; never waits. */
    CapturedFrame current() {
        CapturedFrame f = latest;
        return f != null && state == CameraStatus.State.RUNNING && fresh(f) ? f : null;
    }

    /** The frame before the newest, if capture is running and it is fresh, else null; never waits. */
    CapturedFrame beforeCurrent() {
        CapturedFrame f = previous;
        return f != null && state == CameraStatus.State.RUNNING && fresh(f) ? f : null;
    }

    private boolean fresh(CapturedFrame f) {
        return System.nanoTime() - f.capturedNanos() <= settings.staleAfter().toNanos() + 3 * periodNanos;
    }

    /**
     * The newest frame with a sequence above {@code after}, waiting up to {@code wait} for it
     * (and for the first frame after a start); null if none came in time, except that with
     * {@code failIfNone} a camera that has not produced any frame yet is reported unavailable.
     */
    CapturedFrame newerThan(String cameraId, long after, long waitNanos, boolean failIfNone)
            throws CameraUnavailableException {
        CapturedFrame f = latest;
        if (f != null && f.sequence() > after && state == CameraStatus.State.RUNNING && fresh(f)) {
            return f;
        }
        lock.lock();
        try {
            long remaining = waitNanos;
            while (holders > 0 && state != CameraStatus.State.FAILED
                    && (latest == null || latest.sequence() <= after) && remaining > 0) {
                remaining = changed.awaitNanos(remaining);
            }
            if (holders == 0) {
                throw new CameraUnavailableException(cameraId, "capture is not active (no instance has the cam add-on)");
            }
            if (state == CameraStatus.State.FAILED) {
                throw new CameraUnavailableException(cameraId, publicCause);
            }
            f = latest;
            if (f == null && !failIfNone) {
                return null; // still starting: a feed just waits again
            }
            if (f == null) {
                throw new CameraUnavailableException(cameraId,
                        "no frame from " + PublicCause.SOURCE + " within "
                                + TimeUnit.NANOSECONDS.toMillis(waitNanos) + " ms");
            }
            if (!fresh(f)) {
                throw new CameraUnavailableException(cameraId, "no new frame from " + PublicCause.SOURCE
                        + " for " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - f.capturedNanos()) + " ms");
            }
            return f.sequence() > after ? f : null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CameraUnavailableException(cameraId, "interrupted while waiting for a frame");
        } finally {
            lock.unlock();
        }
    }
}
