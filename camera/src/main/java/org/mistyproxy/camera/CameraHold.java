package org.mistyproxy.camera;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps a camera's capture running (for one instance with the cam add-on active). Closing it
 * twice is harmless; capture stops when the last hold on a source is closed.
 */
public final class CameraHold implements AutoCloseable {

    private final CaptureLoop loop;
    private final AtomicBoolean open = new AtomicBoolean(true);

    CameraHold(CaptureLoop loop) {
        this.loop = loop;
        loop.acquire();
    }

    @Override
    public void close() {
        if (open.compareAndSet(true, false)) {
            loop.release();
        }
    }
}
