package org.mistyproxy.proxy.cam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.Camera;

/** Live feeds (WebSocket and MJPEG), their revocation, slow clients, and an unavailable camera, over real sockets. */
class CamFeedHttpTest {

    @TempDir
    Path dir;

    /** Collects whole text messages; completes {@code closed} with the close code. */
    static final class Collector implements WebSocket.Listener {
        final List<String> texts = new CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        volatile String reason = "";
        private final StringBuilder part = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            part.append(data);
            if (last) {
                texts.add(part.toString());
                part.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            this.reason = reason;
            closed.complete(code);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.completeExceptionally(error);
        }
    }

    static BufferedImage jpegOfDataUrl(String text) throws IOException {
        assertTrue(text.startsWith("data:image/jpeg;base64,"), text.substring(0, Math.min(40, text.length())));
        return ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(text.substring(23))));
    }

    /** Reads one MJPEG part: returns its headers (lower-case names) and JPEG body. */
    record Part(java.util.Map<String, String> headers, byte[] body) {
        long sequence() {
            return Long.parseLong(headers.getOrDefault("x-frame-sequence", "0"));
        }
    }

    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        if (c == -1 && b.size() == 0) {
            return null;
        }
        return b.toString(StandardCharsets.US_ASCII);
    }

    static Part part(InputStream in) throws IOException {
        String l;
        do {
            l = line(in);
            if (l == null) {
                return null;
            }
        } while (!l.equals("--" + MjpegFeed.BOUNDARY));
        java.util.Map<String, String> h = new java.util.HashMap<>();
        while (!(l = line(in)).isEmpty()) {
            int colon = l.indexOf(':');
            h.put(l.substring(0, colon).toLowerCase(java.util.Locale.ROOT), l.substring(colon + 1).strip());
        }
        byte[] body = in.readNBytes(Integer.parseInt(h.get("content-length")));
        return new Part(h, body);
    }

    @Test
    void webSocketAndMjpegFeedsStreamFramesAndCloseWhenTheAddOnGoes() throws Exception {
        try (CamServer rig = new CamServer(dir, CamServer.synthetic("0", 320, 240, 15, null))) {
            String iid = rig.instanceWithCam();
            JsonNode cam = rig.camStatus(iid, "0");
            Collector ws = new Collector();
            rig.http.newWebSocketBuilder().buildAsync(URI.create(cam.get("feed_url").asText()), ws).get(10, TimeUnit.SECONDS);

            HttpResponse<InputStream> mj = rig.http.send(HttpRequest.newBuilder(URI.create(cam.get("mjpeg_url").asText())).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, mj.statusCode());
            assertEquals("multipart/x-mixed-replace; boundary=" + MjpegFeed.BOUNDARY, mj.headers().firstValue("content-type").orElseThrow());
            InputStream mjpeg = mj.body();
            Part p1 = part(mjpeg);
            Part p2 = part(mjpeg);
            assertEquals("image/jpeg", p1.headers().get("content-type"));
            assertTrue(p2.sequence() > p1.sequence());
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(p2.body()));
            assertEquals(320, img.getWidth());
            int red = img.getRGB(20, 20);
            assertTrue(((red >> 16) & 0xff) > 240 && ((red >> 8) & 0xff) < 16 && (red & 0xff) < 16, "red top left");

            CamServer.await("three WebSocket frames", Duration.ofSeconds(10), () -> ws.texts.size() >= 3);
            BufferedImage w = jpegOfDataUrl(ws.texts.get(2));
            assertEquals(240, w.getHeight());
            assertTrue(rig.metrics().contains("mistyproxy_camera_feeds_open{kind=\"websocket\"} 1.0"));

            // A wrong feed token never reaches a feed.
            String wrong = cam.get("mjpeg_url").asText().replaceAll("/mjpeg/.*", "/mjpeg/" + "A".repeat(43));
            assertEquals(404, rig.http.send(HttpRequest.newBuilder(URI.create(wrong)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());

            assertEquals(200, rig.send("DELETE", "/addon/cam/" + iid).statusCode());
            assertEquals(1001, ws.closed.get(5, TimeUnit.SECONDS));
            CompletableFuture<Boolean> ended = CompletableFuture.supplyAsync(() -> {
                try {
                    while (part(mjpeg) != null) {
                        // frames sent before the close may still be in flight
                    }
                    return true;
                } catch (IOException e) {
                    return true;
                }
            });
            assertTrue(ended.get(5, TimeUnit.SECONDS));
            CamServer.await("capture to stop", Duration.ofSeconds(5),
                    () -> rig.metrics().contains("mistyproxy_camera_capture_loops_active 0.0"));
            assertEquals(404, rig.http.send(HttpRequest.newBuilder(URI.create(cam.get("mjpeg_url").asText())).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode(), "revoked feed token");
        }
    }

    /**
     * The feed URL's last segment is a capability: Undertow's handshake would echo the whole URL
     * (with a Host the client chose) in Sec-WebSocket-Location; the 101 must not repeat it.
     */
    @Test
    void the101OfAFeedDoesNotEchoTheFeedUrl() throws Exception {
        try (CamServer rig = new CamServer(dir, CamServer.synthetic("0", 160, 120, 10, null))) {
            String iid = rig.instanceWithCam();
            URI feed = URI.create(rig.camStatus(iid, "0").get("feed_url").asText());
            String token = feed.getRawPath().substring(feed.getRawPath().lastIndexOf('/') + 1);
            try (Socket s = new Socket("127.0.0.1", feed.getPort())) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write(("GET " + feed.getRawPath() + " HTTP/1.1\r\nHost: attacker.example\r\n"
                        + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                        + Base64.getEncoder().encodeToString(new byte[16]) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                InputStream in = new java.io.BufferedInputStream(s.getInputStream());
                StringBuilder head = new StringBuilder();
                for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
                    head.append(l).append('\n');
                }
                assertTrue(head.toString().startsWith("HTTP/1.1 101 "), head.toString());
                assertTrue(head.toString().toLowerCase(java.util.Locale.ROOT).contains("sec-websocket-accept:"), head.toString());
                assertFalse(head.toString().toLowerCase(java.util.Locale.ROOT).contains("sec-websocket-location"), head.toString());
                assertFalse(head.toString().contains(token), head.toString());
                assertFalse(head.toString().contains("attacker.example"), head.toString());
                assertEquals(0x81, in.read(), "then the feed: a text frame");
            }
        }
    }

    @Test
    void aGracefulShutdownEndsOpenFeedsAtOnce() throws Exception {
        CamServer rig = new CamServer(dir, CamServer.synthetic("0", 160, 120, 10, null));
        try {
            String iid = rig.instanceWithCam();
            JsonNode cam = rig.camStatus(iid, "0");
            Collector ws = new Collector();
            rig.http.newWebSocketBuilder().buildAsync(URI.create(cam.get("feed_url").asText()), ws).get(10, TimeUnit.SECONDS);
            HttpResponse<InputStream> mj = rig.http.send(HttpRequest.newBuilder(URI.create(cam.get("mjpeg_url").asText())).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertTrue(part(mj.body()) != null);
            CamServer.await("a WebSocket frame", Duration.ofSeconds(10), () -> !ws.texts.isEmpty());
            long t0 = System.nanoTime();
            rig.close(); // shutdown grace is 2 s: open feeds must not hold it up
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 1500, "shutdown took " + ms + " ms with feeds open");
            assertEquals(1001, ws.closed.get(5, TimeUnit.SECONDS));
        } finally {
            rig.close();
        }
    }

    @Test
    void aSlowMjpegClientSkipsFramesInsteadOfQueueingThem() throws Exception {
        try (CamServer rig = new CamServer(dir, CamServer.synthetic("0", 640, 480, 30, null))) {
            String iid = rig.instanceWithCam();
            URI mjpeg = URI.create(rig.camStatus(iid, "0").get("mjpeg_url").asText());
            try (Socket s = new Socket()) {
                s.setReceiveBufferSize(4096);
                s.connect(new java.net.InetSocketAddress("127.0.0.1", mjpeg.getPort()), 5000);
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                // HTTP/1.0 so the body is not chunked.
                out.write(("GET " + mjpeg.getRawPath() + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                InputStream in = new java.io.BufferedInputStream(s.getInputStream(), 1024);
                Part first = part(in);
                assertTrue(first.sequence() > 0, "a frame, not a notice");
                List<Long> seqs = new ArrayList<>();
                List<Long> lags = new ArrayList<>();
                seqs.add(first.sequence());
                for (int i = 0; i < 10; i++) {
                    Thread.sleep(200); // the slow client: reads a frame every 0.2 s from a 30 fps camera
                    long read = part(in).sequence();
                    long newest = Long.parseLong(rig.get("/addon/cam/" + iid + "/0/img", "Accept", "image/jpeg")
                            .headers().firstValue("x-frame-sequence").orElseThrow());
                    seqs.add(read);
                    lags.add(newest - read);
                }
                long gaps = 0;
                for (int i = 1; i < seqs.size(); i++) {
                    assertTrue(seqs.get(i) > seqs.get(i - 1), seqs.toString());
                    if (seqs.get(i) - seqs.get(i - 1) > 1) {
                        gaps++;
                    }
                }
                // A server that queued frames would deliver every one in order (TCP keeps order): no gaps,
                // ever. Gaps within two seconds also show the send buffer is small: 2 s of 30 fps frames
                // would fit in an autotuned megabyte buffer without a single skip.
                assertTrue(gaps >= 3, "frames were skipped between reads: " + seqs + ", lag behind newest " + lags);
            }
        }
    }

    @Test
    void anUnavailableCameraAnswersAtOnceAndItsFeedShowsWhy() throws Exception {
        Camera gone = new Camera("gone", dir.resolve("no-such-video.mp4").toString(), 320, 240, 10, Optional.empty(), 80);
        try (CamServer rig = new CamServer(dir, gone)) {
            String iid = rig.instanceWithCam();
            long t0 = System.nanoTime();
            HttpResponse<byte[]> r = rig.get("/addon/cam/" + iid + "/gone/img");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 1000, "answered in " + ms + " ms");
            assertEquals(200, r.statusCode());
            JsonNode j = CamServer.json(r);
            assertFalse(j.get("success").asBoolean());
            assertEquals("camera gone unavailable: the video file does not exist", j.get("message").asText());

            Collector ws = new Collector();
            rig.http.newWebSocketBuilder().buildAsync(URI.create(rig.camStatus(iid, "gone").get("feed_url").asText()), ws)
                    .get(10, TimeUnit.SECONDS);
            // The first card loads the natives in this JVM: seconds on a busy machine.
            CamServer.await("the notice card", Duration.ofSeconds(30), () -> ws.texts.size() >= 1);
            BufferedImage card = jpegOfDataUrl(ws.texts.get(0));
            assertEquals(320, card.getWidth());
            int p = card.getRGB(5, 5);
            assertTrue(Math.abs(((p >> 8) & 0xff) - 128) < 10, "grey card");
        }
    }
}
