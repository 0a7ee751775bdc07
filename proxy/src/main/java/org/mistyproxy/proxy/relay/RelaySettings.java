package org.mistyproxy.proxy.relay;

import java.time.Duration;

/**
 * Limits of the HTTP relay.
 *
 * @param connectTimeout   how long to wait for the robot to accept a TCP connection (then 504)
 * @param firstByteTimeout how long to wait for the robot's response once the request is sent (then 504)
 * @param idleTimeout      how long a body transfer may make no progress in either direction
 * @param redactLimitBytes the largest response that can be redacted; redaction needs the whole
 *                         JSON, so such responses are buffered, and a bigger one is refused (502)
 *                         rather than passed through unredacted
 * @param idlePerRobot     keep-alive connections kept idle per robot and per IO thread
 * @param keepAlive        how long an idle robot connection is kept; older ones are closed
 *                         rather than risked (a robot or a NAT may drop them silently)
 * @param bodyDeadline     how long a body the policy reads may take to arrive once the head is in
 *                         (then 408 and the connection is closed); the server passes the control
 *                         API's ({@code ServerOptions.bodyDeadline}), so one setting bounds every
 *                         body read before a decision
 */
public record RelaySettings(
        Duration connectTimeout, Duration firstByteTimeout, Duration idleTimeout, int redactLimitBytes, int idlePerRobot,
        Duration keepAlive, Duration bodyDeadline) {

    public RelaySettings {
        positive("connectTimeout", connectTimeout);
        positive("firstByteTimeout", firstByteTimeout);
        positive("idleTimeout", idleTimeout);
        positive("keepAlive", keepAlive);
        positive("bodyDeadline", bodyDeadline);
        if (redactLimitBytes < 1) {
            throw new IllegalArgumentException("redactLimitBytes must be at least 1, got " + redactLimitBytes);
        }
        if (idlePerRobot < 0) {
            throw new IllegalArgumentException("idlePerRobot must not be negative, got " + idlePerRobot);
        }
    }

    /**
     * 3 s to connect, 10 s to the first byte, 30 s idle, 8 MiB redactable, 64 idle connections
     * kept for up to 15 s, 10 s for a body the policy reads.
     */
    public static RelaySettings defaults() {
        return new RelaySettings(Duration.ofSeconds(3), Duration.ofSeconds(10), Duration.ofSeconds(30), 8 << 20, 64,
                Duration.ofSeconds(15), Duration.ofSeconds(10));
    }

    public RelaySettings withTimeouts(Duration connect, Duration firstByte, Duration idle) {
        return new RelaySettings(connect, firstByte, idle, redactLimitBytes, idlePerRobot, keepAlive, bodyDeadline);
    }

    public RelaySettings withBodyDeadline(Duration d) {
        return new RelaySettings(connectTimeout, firstByteTimeout, idleTimeout, redactLimitBytes, idlePerRobot, keepAlive, d);
    }

    private static void positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + d);
        }
    }

    /** "10 s", "500 ms": how timeouts are named in error messages. */
    static String words(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + " s" : ms + " ms";
    }
}
