package org.mistyproxy.camera;

import java.io.IOException;

/** An opened source. Used by its capture thread only. */
interface FrameSource extends AutoCloseable {

    /** The next frame as packed BGR bytes of the requested size, or null at the end of a file. */
    byte[] grab() throws IOException;

    /** True when the capture loop must pace reads to the fps itself (files, synthetic). */
    boolean paced();

    @Override
    void close();
}
