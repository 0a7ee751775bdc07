package org.mistyproxy.camera;

import java.util.HashMap;
import java.util.Map;

/**
 * The entry point of the camera module: configured cameras, one capture loop per physical
 * source (source, size, fps) shared by every entry that uses it, and one encoder.
 *
 * <p>Creating cameras loads no natives; the first {@link CameraView#hold()} starts capture and
 * loads JavaCV then.
 */
public final class Cameras implements AutoCloseable {

    private final CaptureSettings settings;
    private final CaptureCounters counters = new CaptureCounters();
    private final FrameEncoder encoder;
    private final Map<SourceKey, CaptureLoop> loops = new HashMap<>();

    public Cameras(CaptureSettings settings) {
        this.settings = settings;
        this.encoder = new FrameEncoder(counters);
    }

    /** Adds a camera entry; entries with the same source, size and fps share a capture loop. */
    public synchronized CameraView add(CameraSpec spec) {
        SourceKey key = new SourceKey(SourceAddress.parse(spec.source()), spec.width(), spec.height(), spec.fps());
        CaptureLoop loop = loops.computeIfAbsent(key, k -> new CaptureLoop(k, settings, counters));
        return new CameraView(spec, loop, encoder, settings);
    }

    public CameraStats stats() {
        return counters.snapshot();
    }

    /** Stops every capture loop. */
    @Override
    public synchronized void close() {
        loops.values().forEach(CaptureLoop::shutdown);
    }
}
