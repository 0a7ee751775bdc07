package org.mistyproxy.camera;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Counters shared by the loops and the encoder of one {@link Cameras}. */
final class CaptureCounters {
    // CPU time, not wall time: on a busy machine a preempted encode would otherwise count its wait.
    private final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();

    final LongAdder frames = new LongAdder();
    final LongAdder captureNanos = new LongAdder();
    final LongAdder encodes = new LongAdder();
    final LongAdder encodeNanos = new LongAdder();
    final AtomicInteger activeLoops = new AtomicInteger();

    long threadCpuNanos() {
        return threads.isCurrentThreadCpuTimeSupported() ? threads.getCurrentThreadCpuTime() : System.nanoTime();
    }

    CameraStats snapshot() {
        return new CameraStats(frames.sum(), encodes.sum(), captureNanos.sum(), encodeNanos.sum(), activeLoops.get());
    }
}
