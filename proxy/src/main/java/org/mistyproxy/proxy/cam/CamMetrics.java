package org.mistyproxy.proxy.cam;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.mistyproxy.camera.Cameras;

/** The camera meters on the server's one registry. */
final class CamMetrics {

    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Timer> latency = new ConcurrentHashMap<>();
    private final Counter feedFrames;
    final AtomicInteger wsFeeds = new AtomicInteger();
    final AtomicInteger mjpegFeeds = new AtomicInteger();

    CamMetrics(MeterRegistry registry, Cameras cameras) {
        this.registry = registry;
        FunctionCounter.builder("mistyproxy.camera.frames.captured", cameras, c -> c.stats().framesCaptured())
                .description("Frames taken from camera sources").register(registry);
        FunctionCounter.builder("mistyproxy.camera.encodes", cameras, c -> c.stats().encodes())
                .description("Images encoded (JPEG, RGB, .npy), once per frame and variant however many clients")
                .register(registry);
        FunctionCounter.builder("mistyproxy.camera.capture.seconds", cameras,
                        c -> c.stats().captureNanos() / 1e9)
                .baseUnit("seconds").description("CPU time spent grabbing and converting frames").register(registry);
        FunctionCounter.builder("mistyproxy.camera.encode.seconds", cameras, c -> c.stats().encodeNanos() / 1e9)
                .baseUnit("seconds").description("CPU time spent encoding images").register(registry);
        Gauge.builder("mistyproxy.camera.capture.loops.active", cameras, c -> c.stats().activeLoops())
                .description("Sources being captured now").register(registry);
        Gauge.builder("mistyproxy.camera.feeds.open", wsFeeds, AtomicInteger::get).tag("kind", "websocket")
                .description("Open live feeds").register(registry);
        Gauge.builder("mistyproxy.camera.feeds.open", mjpegFeeds, AtomicInteger::get).tag("kind", "mjpeg")
                .description("Open live feeds").register(registry);
        feedFrames = Counter.builder("mistyproxy.camera.feed.frames.sent").description("Frames sent to live feed clients")
                .register(registry);
    }

    void snapshot(String format, String outcome, long nanos) {
        latency.computeIfAbsent(format + "/" + outcome, k -> Timer.builder("mistyproxy.camera.snapshot.latency")
                        .description("Time to answer a snapshot request")
                        .tag("format", format).tag("outcome", outcome)
                        .publishPercentiles(0.5, 0.99)
                        .distributionStatisticExpiry(Duration.ofMinutes(1))
                        .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    void feedFrameSent() {
        feedFrames.increment();
    }
}
