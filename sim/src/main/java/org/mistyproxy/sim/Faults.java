package org.mistyproxy.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The fault knobs that make the robot misbehave on purpose: added latency, an error status
 * instead of an answer, a connection reset half way through the response, and a stall (the
 * request is read and logged, then never answered). They apply to /api and /pubsub, never to
 * /_sim. Refusing connections and closing WebSockets act at once and live in {@link Simulator}.
 */
final class Faults {
    private volatile long latencyMs;
    private volatile int failStatus;
    private volatile boolean resetMidResponse;
    private volatile boolean stall;

    long latencyMs() {
        return latencyMs;
    }

    int failStatus() {
        return failStatus;
    }

    boolean resetMidResponse() {
        return resetMidResponse;
    }

    boolean stall() {
        return stall;
    }

    void latencyMs(long ms) {
        if (ms < 0 || ms > 600_000) {
            throw new IllegalArgumentException("latencyMs must be between 0 and 600000, got " + ms);
        }
        latencyMs = ms;
    }

    void failStatus(int status) {
        if (status != 0 && (status < 400 || status > 599)) {
            throw new IllegalArgumentException("failStatus must be 0 (off) or 400..599, got " + status);
        }
        failStatus = status;
    }

    void resetMidResponse(boolean on) {
        resetMidResponse = on;
    }

    void stall(boolean on) {
        stall = on;
    }

    void clear() {
        latencyMs = 0;
        failStatus = 0;
        resetMidResponse = false;
        stall = false;
    }

    ObjectNode toJson(ObjectMapper json) {
        return json.createObjectNode().put("latencyMs", latencyMs).put("failStatus", failStatus)
                .put("resetMidResponse", resetMidResponse).put("stall", stall);
    }
}
