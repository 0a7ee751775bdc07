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
 */
public record PubSubSettings(
        Duration connectTimeout,
        int queueMessages,
        long queueBytes,
        Duration stallTimeout,
        Duration closeGrace,
        Duration pingInterval,
        int clientSendBuffer) {

    public PubSubSettings {
        if (queueMessages < 1 || queueBytes < 1 || clientSendBuffer < 1) {
            throw new IllegalArgumentException("queue and buffer sizes must be positive");
        }
    }

    public static PubSubSettings defaults() {
        return new PubSubSettings(
                Duration.ofSeconds(5), 256, 1 << 20, Duration.ofSeconds(15), Duration.ofSeconds(2),
                Duration.ofSeconds(30), 64 * 1024);
    }

    public PubSubSettings withConnectTimeout(Duration d) {
        return new PubSubSettings(d, queueMessages, queueBytes, stallTimeout, closeGrace, pingInterval, clientSendBuffer);
    }

    public PubSubSettings withQueue(int messages, long bytes) {
        return new PubSubSettings(connectTimeout, messages, bytes, stallTimeout, closeGrace, pingInterval, clientSendBuffer);
    }

    public PubSubSettings withStallTimeout(Duration d) {
        return new PubSubSettings(connectTimeout, queueMessages, queueBytes, d, closeGrace, pingInterval, clientSendBuffer);
    }

    public PubSubSettings withCloseGrace(Duration d) {
        return new PubSubSettings(connectTimeout, queueMessages, queueBytes, stallTimeout, d, pingInterval, clientSendBuffer);
    }

    public PubSubSettings withPingInterval(Duration d) {
        return new PubSubSettings(connectTimeout, queueMessages, queueBytes, stallTimeout, closeGrace, d, clientSendBuffer);
    }

    public PubSubSettings withClientSendBuffer(int bytes) {
        return new PubSubSettings(connectTimeout, queueMessages, queueBytes, stallTimeout, closeGrace, pingInterval, bytes);
    }
}
