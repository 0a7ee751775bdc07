package org.mistyproxy.camera;

import java.time.Duration;

/** One configured camera: a shared capture loop seen through this entry's crop. */
public final class CameraView {

    private final CameraSpec spec;
    private final CaptureLoop loop;
    private final FrameEncoder encoder;
    private final CaptureSettings settings;

    CameraView(CameraSpec spec, CaptureLoop loop, FrameEncoder encoder, CaptureSettings settings) {
        this.spec = spec;
        this.loop = loop;
        this.encoder = encoder;
        this.settings = settings;
    }

    public String id() {
        return spec.id();
    }

    public CameraSpec spec() {
        return spec;
    }

    /** Starts capture if this is the first hold on the source; close the hold to release it. */
    public CameraHold hold() {
        return new CameraHold(loop);
    }

    public CameraStatus status() {
        return loop.status();
    }

    /**
     * The newest frame, encoded as asked. Waits for the first frame after a start up to the
     * configured bound; fails at once while the source is down.
     *
     * @throws IllegalArgumentException    if the requested size is not a downscale of this camera's image
     * @throws CameraUnavailableException if there is no current frame (message says why)
     */
    public Snapshot snapshot(SnapshotRequest request) throws CameraUnavailableException {
        Size size = outputSize(request);
        CapturedFrame frame = loop.newerThan(spec.id(), 0, settings.firstFrameWait().toNanos(), true);
        return encode(frame, request, size);
    }

    /**
     * For live feeds: the newest frame after {@code afterSequence}, encoded, or null if none came
     * within {@code wait}. Frames in between are skipped, never queued.
     */
    public Snapshot next(long afterSequence, SnapshotRequest request, Duration wait) throws CameraUnavailableException {
        Size size = outputSize(request);
        CapturedFrame frame = loop.newerThan(spec.id(), afterSequence, wait.toNanos(), false);
        return frame == null ? null : encode(frame, request, size);
    }

    /**
     * An encoding that is at hand: the newest frame's if this variant of it is already encoded;
     * while someone is still encoding the newest frame, the frame before it (one frame period
     * older) if that one is encoded. Never waits and never encodes, so it may be called on a
     * thread that must not block; null otherwise (the caller then falls back to {@link #snapshot},
     * which encodes the newest frame). Successive calls never go back in sequence.
     *
     * @throws IllegalArgumentException if the requested size is not a downscale of this camera's image
     */
    public Snapshot ready(SnapshotRequest request) {
        return ready(request, null);
    }

    /**
     * As {@link #ready(SnapshotRequest)}, but if nobody encodes the newest frame yet, starts that
     * encode on {@code encodeOn} and answers with the frame before it (if encoded and fresh)
     * instead of null: a stream of callers then never waits for an encode, at the price of
     * getting a frame one period older while the newest is being encoded.
     */
    public Snapshot ready(SnapshotRequest request, java.util.concurrent.Executor encodeOn) {
        Size size = outputSize(request);
        int quality = quality(request);
        CapturedFrame frame = loop.current();
        if (frame == null) {
            return null;
        }
        byte[] data = encoder.completed(frame, spec.region(), size.width, size.height, request.format(), quality);
        if (data != null) {
            return snapshotOf(frame, request, size, data);
        }
        if (!encoder.started(frame, spec.region(), size.width, size.height, request.format(), quality)) {
            if (encodeOn == null) {
                return null; // nobody encodes the newest frame yet: this caller must
            }
            // Two callers may both start it; the encoder's per-frame memo still encodes once.
            encodeOn.execute(() -> encoder.encode(frame, spec.region(), size.width, size.height, request.format(), quality));
        }
        CapturedFrame before = loop.beforeCurrent();
        if (before == null) {
            return null;
        }
        byte[] old = encoder.completed(before, spec.region(), size.width, size.height, request.format(), quality);
        return old == null ? null : snapshotOf(before, request, size, old);
    }

    /**
     * A JPEG of this camera's output size showing {@code message} on grey, for live feeds to show
     * that the camera is unavailable (loads natives; not cached, feeds send it once per outage).
     */
    public byte[] noticeJpeg(String message, SnapshotRequest request) {
        Size size = outputSize(request);
        return SyntheticScene.notice(size.width, size.height, message);
    }

    private Snapshot encode(CapturedFrame frame, SnapshotRequest request, Size size) {
        byte[] data = encoder.encode(frame, spec.region(), size.width, size.height, request.format(), quality(request));
        return snapshotOf(frame, request, size, data);
    }

    private int quality(SnapshotRequest request) {
        return request.quality().orElse(spec.jpegQuality());
    }

    private Snapshot snapshotOf(CapturedFrame frame, SnapshotRequest request, Size size, byte[] data) {
        return new Snapshot(request.format(), data, size.width, size.height, frame.sequence(), frame.capturedAt(),
                frame.memo(FrameEncoder.Variant.of(spec.region(), size.width, size.height, request.format(),
                        quality(request))));
    }

    private record Size(int width, int height) {}

    private Size outputSize(SnapshotRequest r) {
        CropRect region = spec.region();
        int cw = region.width();
        int ch = region.height();
        if (r.width().isPresent()) {
            check("width", r.width().getAsInt(), cw);
        }
        if (r.height().isPresent()) {
            check("height", r.height().getAsInt(), ch);
        }
        if (r.width().isPresent() && r.height().isPresent()) {
            return new Size(r.width().getAsInt(), r.height().getAsInt());
        }
        if (r.width().isPresent()) {
            int w = r.width().getAsInt();
            return new Size(w, Math.max(1, (int) Math.round((double) ch * w / cw)));
        }
        if (r.height().isPresent()) {
            int h = r.height().getAsInt();
            return new Size(Math.max(1, (int) Math.round((double) cw * h / ch)), h);
        }
        return new Size(cw, ch);
    }

    private void check(String what, int value, int max) {
        if (value < 1 || value > max) {
            throw new IllegalArgumentException(what + " " + value + " is out of range for camera " + spec.id()
                    + ": 1 to " + max + " (images can only be scaled down)");
        }
    }
}
