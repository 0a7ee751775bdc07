package org.mistyproxy.proxy.cam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The feed WebSocket reads no client message of unbounded size: a huge unfinished message gets
 * close 1009, and the server's memory (heap and direct buffers, read in-process through JMX) does
 * not grow by what was sent.
 */
class CamFeedSocketLimitTest {

    @TempDir
    Path dir;

    private static final long SENT = 48L * 1024 * 1024;

    /** Heap plus direct buffers in use after a full GC, in bytes. */
    private static long memoryInUse() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long direct = 0;
        for (BufferPoolMXBean b : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            direct += b.getMemoryUsed();
        }
        return heap + direct;
    }

    @Test
    void aLargeUnfinishedClientMessageIsClosedWith1009AndNotBuffered() throws Exception {
        try (CamServer rig = new CamServer(dir, CamServer.synthetic("0", 160, 120, 15, null))) {
            String iid = rig.instanceWithCam();
            URI feed = URI.create(rig.camStatus(iid, "0").get("feed_url").asText());
            long before = memoryInUse();
            try (Socket s = new Socket("127.0.0.1", feed.getPort())) {
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                out.write(("GET " + feed.getRawPath() + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                        + Base64.getEncoder().encodeToString(new byte[16]) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(s.getInputStream()));
                String status = CamFeedHttpTest.line(in);
                assertTrue(status.startsWith("HTTP/1.1 101"), status);
                while (!CamFeedHttpTest.line(in).isEmpty()) {
                    // response headers
                }
                // A text frame without FIN that announces 384 MB, masked as a client must; then the
                // payload, in a thread, until the server stops taking it or SENT bytes went out.
                byte[] head = new byte[14];
                head[0] = 0x01; // FIN = 0, opcode text
                head[1] = (byte) (0x80 | 127);
                long announced = 384L * 1024 * 1024;
                for (int i = 0; i < 8; i++) {
                    head[2 + i] = (byte) (announced >>> (56 - 8 * i));
                }
                out.write(head); // mask key 0: payload bytes go as they are
                AtomicLong written = new AtomicLong();
                Thread writer = new Thread(() -> {
                    byte[] chunk = new byte[64 * 1024];
                    try {
                        while (written.get() < SENT) {
                            out.write(chunk);
                            written.addAndGet(chunk.length);
                        }
                    } catch (IOException e) {
                        // the server closed the connection: expected
                    }
                });
                writer.setDaemon(true);
                writer.start();
                int code = closeCode(in);
                assertEquals(1009, code, "close code for an oversize client message");
                writer.join(15_000);
            }
            long grown = memoryInUse() - before;
            assertTrue(grown < 16L * 1024 * 1024, "server memory grew by " + grown / 1024 + " KiB");
        }
    }

    @Test
    void smallClientMessagesAreDroppedAndTheFeedGoesOn() throws Exception {
        try (CamServer rig = new CamServer(dir, CamServer.synthetic("0", 160, 120, 15, null))) {
            String iid = rig.instanceWithCam();
            CamFeedHttpTest.Collector ws = new CamFeedHttpTest.Collector();
            java.net.http.WebSocket socket = rig.http.newWebSocketBuilder()
                    .buildAsync(URI.create(rig.camStatus(iid, "0").get("feed_url").asText()), ws)
                    .get(10, java.util.concurrent.TimeUnit.SECONDS);
            for (int i = 0; i < 20; i++) {
                socket.sendText("keepalive " + i, true).get(10, java.util.concurrent.TimeUnit.SECONDS);
            }
            socket.sendText("x".repeat(FeedSocketListener.MAX_MESSAGE_BYTES), true).get(10, java.util.concurrent.TimeUnit.SECONDS);
            int seen = ws.texts.size();
            CamServer.await("frames after the client's messages", java.time.Duration.ofSeconds(10),
                    () -> ws.texts.size() >= seen + 3);
            assertTrue(!ws.closed.isDone(), "the feed is still open");
            socket.abort();
        }
    }

    /** Reads server frames (images) until the close frame; returns its code. */
    private static int closeCode(DataInputStream in) throws IOException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no close frame within 20 s: the server kept reading the message");
            }
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            long len = b1 & 0x7f;
            if (len == 126) {
                len = in.readUnsignedShort();
            } else if (len == 127) {
                len = in.readLong();
            }
            byte[] payload = in.readNBytes((int) len);
            if ((b0 & 0x0f) == 0x8) {
                return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
            }
        }
    }
}
