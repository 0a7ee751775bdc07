package org.mistyproxy.proxy.ws;

import java.time.Duration;

/**
 * Tunables of the {@code /pubsub} relay. Defaults suit a robot that streams a few hundred small
 * events per second; tests shorten the timers.
 *
 * @param connectTimeout   how long the upgrade waits for the robot's own handshake before 502
 * @param queueMessages    per-connection bound on messages waiting for the client
 * @param queueBytes       per-connection bound on bytes waiting for the client
 * @param stallTimeout     a client whose send has made no progress this long is closed with 1008
 * @param closeGrace       after a close frame is queued, how long before the TCP connection is cut
 * @param pingInterval     an idle socket (either side) gets a ping this often
 * @param clientSendBuffer SO_SNDBUF toward the client: small, so that a slow reader shows up in
 *                         our queue (where stale periodic events can be dropped) and not as
 *                         megabytes of stale data in the kernel
 * @param motionPing       while the instance's motion is leased, a client socket that has sent
 *                         nothing this long gets a ping (its pong shows it is still there)
 * @param motionSilence    while the instance's motion is leased, a client socket from which
 *                         nothing (not even a pong) has come for this long, and whose borrower has
 *                         not renewed the lease meanwhile, counts as vanished: the robot is
 *                         stopped at once and the socket closed. A half-open connection (the
 *                         network gone, no FIN, no reset) is otherwise only noticed minutes later.
 *                         Detection takes at most this plus {@link #motionWatchEvery()}; a client
 *                         whose round trip exceeds about {@code motionSilence - motionPing -
 *                         motionWatchEvery()} would be taken as gone while the robot moves
 */
public record PubSubSettings(
        Duration connectTimeout,
        int queueMessages,
        long queueBytes,
        Duration stallTimeout,
        Duration closeGrace,
        Duration pingInterval,
        int clientSendBuffer,
        Duration motionPing,
        Duration motionSilence) {

    public PubSubSettings {
        if (queueMessages < 1 || queueBytes < 1 || clientSendBuffer < 1) {
            throw new IllegalArgumentException("queue and buffer sizes must be positive");
        }
        if (motionPing.isNegative() || motionPing.isZero() || motionSilence.compareTo(motionPing) <= 0) {
            throw new IllegalArgumentException("motionPing must be positive and shorter than motionSilence");
        }
    }

    /**
     * Defaults. While the robot moves: a ping after 100 ms without a word from the client, and
     * 350 ms of silence ends it, so a vanished borrower's robot is stopped within about 375 ms
     * (the bound is 500 ms, the staleness limit of ROS teleop stacks); a live client
     * has about 225 ms for its pong to come back.
     */
    public static PubSubSettings defaults() {
        return new PubSubSettings(
                Duration.ofSeconds(5), 256, 1 << 20, Duration.ofSeconds(15), Duration.ofSeconds(2),
                Duration.ofSeconds(30), 64 * 1024, Duration.ofMillis(100), Duration.ofMillis(350));
    }

    /** How often the sockets of instances in motion are looked at: a quarter of {@code motionPing}, at most 25 ms. */
    public Duration motionWatchEvery() {
        return Duration.ofMillis(Math.max(1, Math.min(25, motionPing.toMillis() / 4)));
    }

    public PubSubSettings withConnectTimeout(Duration d) {
        return new PubSubSettings(d, queueMessages, queueBytes, stallTimeout, closeGrace, pingInterval, clientSendBuffer,
                motionPing, motionSilence);
    }

    public PubSubSettings withQueue(int messages, long bytes) {
        return new PubSubSettings(connectTimeout, messages, bytes, stallTimeout, closeGrace, pingInterval, clientSendBuffer,
                motionPing, motionSilence);
    }

    public PubSubSettings withStallTimeout(Duration d) {
        return new PubSubSettings(connectTimeout, queueMessages, queueBytes, d, closeGrace, pingInterval, clientSendBuffer,
                motionPing, motionSilence);
    }

    public PubSubSettings withCloseGrace(Duration d) {
        return new PubSubSettings(connectTimeout, queueMessages, queueBytes, stallTimeout, d, pingInterval, clientSendBuffer,
                motionPing, motionSilence);
    }

    public PubSubSettings withPingInterval(Duration d) {
        return new PubSubSettings(connectTimeout, queueMessages, queueBytes, stallTimeout, closeGrace, d, clientSendBuffer,
                motionPing, motionSilence);
    }

    public PubSubSettings withClientSendBuffer(int bytes) {
        return new PubSubSettings(connectTimeout, queueMessages, queueBytes, stallTimeout, closeGrace, pingInterval, bytes,
                motionPing, motionSilence);
    }

    public PubSubSettings withMotionWatch(Duration ping, Duration silence) {
        return new PubSubSettings(connectTimeout, queueMessages, queueBytes, stallTimeout, closeGrace, pingInterval, clientSendBuffer,
                ping, silence);
    }
}
