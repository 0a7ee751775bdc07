package org.mistyproxy.proxy.relay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.sim.RecordedRequest;
import org.mistyproxy.sim.Simulator;

/**
 * A 20 MB upload and download through the relay, with the heap measured half way: a relay that
 * held the body whole would have 10 MB more live objects at that point.
 */
class LargeBodyTest {
    private static final int SIZE = 20 * 1024 * 1024;
    private static final long HALF = SIZE / 2;
    private static final long MAX_GROWTH = 10L * 1024 * 1024;

    @TempDir
    Path dataDir;

    /** Live heap after a full collection. */
    private static long liveHeap() {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            best = Math.min(best, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    /** 20 MB of a repeating pattern, made as it is read; stops half way until released. */
    private static final class PausingPattern extends InputStream {
        private final MessageDigest digest;
        private final CountDownLatch halfWay = new CountDownLatch(1);
        private final CountDownLatch resume = new CountDownLatch(1);
        private long sent;

        PausingPattern(MessageDigest digest) {
            this.digest = digest;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException("read in blocks");
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (sent >= SIZE) {
                return -1;
            }
            if (sent == HALF) {
                halfWay.countDown();
                try {
                    resume.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            long stop = sent < HALF ? HALF : SIZE;
            int n = (int) Math.min(len, stop - sent);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) ((sent + i) % 251);
            }
            digest.update(b, off, n);
            sent += n;
            return n;
        }
    }

    @Test
    void twentyMegabytesGoUpAndComeBackWithoutFillingTheHeap() throws Exception {
        try (Simulator robot = Simulator.start("127.0.0.1", 0);
                RelayFront front = new RelayFront(dataDir, RelaySettings.defaults())) {
            front.add("i1", RelayFront.deployment("127.0.0.1", robot.port(), List.of("*")), HttpRelayTest.testPolicy());
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String url = front.url("i1") + "/api/images?FileName=big.jpg&OverwriteExisting=true";

            MessageDigest sent = MessageDigest.getInstance("SHA-256");
            PausingPattern body = new PausingPattern(sent);
            long before = liveHeap();
            CompletableFuture<HttpResponse<String>> upload = http.sendAsync(HttpRequest.newBuilder(URI.create(url))
                    .header("Content-Type", "image/jpeg")
                    .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> body), SIZE))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(body.halfWay.await(30, TimeUnit.SECONDS), "the upload reached half way");
            long uploadGrowth = liveHeap() - before;
            body.resume.countDown();
            HttpResponse<String> up = upload.get(60, TimeUnit.SECONDS);
            assertEquals(200, up.statusCode(), up.body());
            RecordedRequest logged = robot.requests().get(0);
            assertEquals(SIZE, logged.bodySize());

            before = liveHeap();
            HttpResponse<InputStream> down = http.send(HttpRequest.newBuilder(
                    URI.create(front.url("i1") + "/api/images?FileName=big.jpg&Base64=false")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, down.statusCode());
            assertEquals(String.valueOf(SIZE), down.headers().firstValue("Content-Length").orElseThrow());
            MessageDigest received = MessageDigest.getInstance("SHA-256");
            long downloadGrowth = -1;
            long total = 0;
            try (InputStream in = down.body()) {
                byte[] buf = new byte[64 * 1024];
                int n;
                while ((n = in.read(buf, 0, (int) Math.min(buf.length, total < HALF ? HALF - total : buf.length))) > 0) {
                    received.update(buf, 0, n);
                    total += n;
                    if (total == HALF) {
                        downloadGrowth = liveHeap() - before;
                    }
                }
            }
            assertEquals(SIZE, total);
            assertArrayEquals(sent.digest(), received.digest(), "the robot got and gave back the same bytes");
            System.out.printf("heap growth half way: upload %d KiB, download %d KiB%n", uploadGrowth / 1024, downloadGrowth / 1024);
            assertTrue(uploadGrowth < MAX_GROWTH, "upload grew the live heap by " + uploadGrowth + " bytes");
            assertTrue(downloadGrowth >= -MAX_GROWTH && downloadGrowth < MAX_GROWTH,
                    "download grew the live heap by " + downloadGrowth + " bytes");
        }
    }
}
