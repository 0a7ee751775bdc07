package org.mistyproxy.proxy.relay;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The relay's meters, registered once so the hot path only increments: requests by decision,
 * relay failures by cause, and the robot's time to answer (a histogram, for percentiles).
 */
final class RelayMetrics {

    /** Why a request the policy allowed did not get the robot's full answer. */
    enum Failure {
        CONNECT_REFUSED, CONNECT_TIMEOUT, FIRST_BYTE_TIMEOUT, IDLE_TIMEOUT, UPSTREAM_CLOSED, CLIENT_GONE, REDACTION,
        /** A body the policy needed did not arrive within the body deadline (408). */
        BODY_TIMEOUT
    }

    private static final Duration[] BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(20),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};

    private final Counter allowed;
    private final Counter blocked;
    private final Map<Failure, Counter> failures = new EnumMap<>(Failure.class);
    private final Timer upstreamLatency;

    RelayMetrics(MeterRegistry registry, UpstreamPool pool) {
        FunctionCounter.builder("mistyproxy.upstream.connections.opened", pool, UpstreamPool::openedConnections)
                .description("Connections opened to robots (keep-alive makes this far smaller than requests)")
                .register(registry);
        Gauge.builder("mistyproxy.upstream.connections.open", pool, UpstreamPool::openConnections)
                .description("Connections to robots open now, in use or kept alive")
                .register(registry);
        allowed = decisions(registry, "allowed");
        blocked = decisions(registry, "blocked");
        for (Failure f : Failure.values()) {
            failures.put(f, Counter.builder("mistyproxy.relay.failures")
                    .description("Requests the relay could not carry through (the robot did not fully answer, or the client stopped), by cause")
                    .tag("cause", f.name().toLowerCase(java.util.Locale.ROOT))
                    .register(registry));
        }
        upstreamLatency = Timer.builder("mistyproxy.upstream.latency")
                .description("Time from sending a request to the robot to its response headers")
                // A dozen fixed buckets, from a fast loopback answer to the 10 s first-byte limit: enough
                // for robot latencies, and a cheaper record() than Micrometer's ~70 default buckets.
                .serviceLevelObjectives(BUCKETS)
                .register(registry);
    }

    private static Counter decisions(MeterRegistry registry, String decision) {
        return Counter.builder("mistyproxy.requests")
                .description("Requests on proxy URLs by policy decision")
                .tag("channel", "http")
                .tag("decision", decision)
                .register(registry);
    }

    void decided(boolean isAllowed) {
        (isAllowed ? allowed : blocked).increment();
    }

    void failed(Failure f) {
        failures.get(f).increment();
    }

    void upstreamAnswered(long nanos) {
        upstreamLatency.record(nanos, TimeUnit.NANOSECONDS);
    }
}
