package org.mistyproxy.proxy.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mistyproxy.policy.Policy;

/** Many sockets, and one that stops reading: the relay's memory stays bounded. */
class PubSubLoadTest {

    @Test
    void twoHundredConcurrentSocketsEachReceiveEvents() throws Exception {
        HttpClient http = HttpClient.newHttpClient(); // Java 17: not closeable; its threads end when idle
        try (RelayFixture f = new RelayFixture(PubSubSettings.defaults(), Policy.load(PubSubRelayTest.testPolicy()))) {
            List<TestSocket> sockets = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                sockets.add(TestSocket.open(http, f.pubsubUri("load" + (i % 10))));
            }
            for (int i = 0; i < sockets.size(); i++) {
                // EventNames are robot-wide, so each socket picks its own
                sockets.get(i).send("{'Operation': 'subscribe', 'Type': 'TimeOfFlight', 'DebounceMs': 200, 'EventName': 'S" + i + "', "
                        + "'EventConditions': [{'Property': 'SensorPosition', 'Inequality': '=', 'Value': 'Center'}]}");
            }
            for (int i = 0; i < sockets.size(); i++) {
                String event = sockets.get(i).nextContaining("distanceInMeters", 15_000);
                assertTrue(event.contains("\"S" + i + "\""), event);
            }
            assertEquals(200, f.metric("mistyproxy_ws_sockets_open"));
            assertEquals(200, f.metric("mistyproxy_ws_robot_sockets_open"));
            assertEquals(200, f.robotOpenSockets());
            for (TestSocket s : sockets) {
                s.ws.sendClose(1000, "bye");
            }
            RelayFixture.await("all sockets closed", 10_000, () -> f.metric("mistyproxy_ws_sockets_open") == 0);
            RelayFixture.await("all robot sockets closed", 10_000, () -> f.metric("mistyproxy_ws_robot_sockets_open") == 0);
            RelayFixture.await("the simulator let go of all of them", 10_000, () -> f.robotOpenSockets() == 0);
        }
    }

    /**
     * A client that reads nothing for 10 s while TimeOfFlight streams at DebounceMs 10: the queue
     * toward it stays within its bound (periodic events dropped oldest-first and counted), the heap
     * does not grow with the stream, and the client is eventually closed with 1008.
     */
    @Test
    void clientThatReadsNothingIsBoundedAndEventuallyClosedWith1008() throws Exception {
        PubSubSettings settings = PubSubSettings.defaults()
                .withQueue(64, 64 * 1024)
                .withClientSendBuffer(8 * 1024)
                .withStallTimeout(Duration.ofSeconds(4))
                .withCloseGrace(Duration.ofSeconds(20)); // long, so the close frame is still there when the client reads again
        try (RelayFixture f = new RelayFixture(settings, Policy.load(PubSubRelayTest.testPolicy()))) {
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            System.gc();
            long heapBefore = memory.getHeapMemoryUsage().getUsed();
            try (RawUpgrade r = RawUpgrade.connect(f.port(), "/slow/pubsub", "Upgrade", "", 4096)) {
                assertEquals(101, r.status());
                // Eight streams so the kernel buffers fill within the test (each sends every 10 ms).
                for (int i = 0; i < 8; i++) {
                    r.sendText("{\"Operation\": \"subscribe\", \"Type\": \"TimeOfFlight\", \"DebounceMs\": 10, \"EventName\": \"Slow" + i + "\"}");
                }
                long maxQueued = 0;
                long until = System.nanoTime() + 10_000_000_000L;
                while (System.nanoTime() < until) { // reads nothing for 10 s
                    maxQueued = Math.max(maxQueued, (long) f.metric("mistyproxy_ws_queued_bytes"));
                    Thread.sleep(100);
                }
                assertTrue(maxQueued <= 64 * 1024, "queued " + maxQueued);
                assertTrue(f.metric("mistyproxy_ws_events_dropped_total") > 0, "nothing was dropped");
                System.gc();
                long grown = memory.getHeapMemoryUsage().getUsed() - heapBefore;
                assertTrue(grown < 64L << 20, "heap grew by " + (grown >> 20) + " MB");

                // closed for being slow while it read nothing; the robot side is gone already
                assertEquals(1, f.metric("mistyproxy_ws_clients_closed_slow_total"));
                RelayFixture.await("robot side closed", 5_000, () -> f.robotOpenSockets() == 0);

                // Now read: the backlog the kernel held, then the close frame 1008.
                r.socket.setSoTimeout(5_000);
                RawUpgrade.Frame frame;
                int backlog = 0;
                long readUntil = System.nanoTime() + 10_000_000_000L;
                while ((frame = r.readFrame()) != null && frame.opcode() != 8) {
                    backlog++;
                    assertTrue(System.nanoTime() < readUntil, "still streaming after the close");
                }
                assertTrue(frame != null, "connection cut without a close frame");
                assertEquals(1008, frame.closeCode());
                assertTrue(frame.text().contains("client too slow"), frame.text());
                assertTrue(backlog > 0, "no backlog at all");
            }
        }
    }
}
