package org.mistyproxy.proxy.cam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feed quotas: one borrower holding its maximum of idle MJPEG feeds is refused more (429 or
 * WebSocket close 1008, naming the quota, audited) while another instance's feed still works; a
 * full server answers 503 / 1013 naming {@code camera_feeds_max}; no feed needs a thread.
 */
class CamFeedQuotaTest {

    @TempDir
    Path dir;

    /** An MJPEG client that reads the response head and the first part, then sits idle (reads nothing more). */
    static final class IdleViewer implements AutoCloseable {
        final Socket socket = new Socket();
        final int status;
        final String body;

        IdleViewer(URI mjpeg) throws Exception {
            socket.setReceiveBufferSize(4096);
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", mjpeg.getPort()), 5000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + mjpeg.getRawPath() + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String statusLine = CamFeedHttpTest.line(in);
            status = Integer.parseInt(statusLine.substring(9, 12));
            int length = -1;
            String l;
            while (!(l = CamFeedHttpTest.line(in)).isEmpty()) {
                if (l.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(l.substring(15).strip());
                }
            }
            if (status == 200) {
                CamFeedHttpTest.Part p = CamFeedHttpTest.part(in);
                assertTrue(p != null && p.body().length > 0, "a first image");
                body = "";
            } else {
                body = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            }
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }

    private static long feedThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("cam-feed")).count();
    }

    @Test
    void aBorrowerAtItsFeedQuotaIsRefusedWhileAnotherInstanceStillGetsItsFeed() throws Exception {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        List<CamServer.Draft> drafts = List.of(
                new CamServer.Draft(a, 3, List.of(CamServer.synthetic("0", 160, 120, 15, null))),
                new CamServer.Draft(b, 3, List.of(CamServer.synthetic("0", 160, 120, 15, null))));
        try (CamServer rig = new CamServer(dir, 100, drafts)) {
            String mallory = rig.instanceWithCam(a);
            String bob = rig.instanceWithCam(b);
            URI mine = URI.create(rig.camStatus(mallory, "0").get("mjpeg_url").asText());
            List<IdleViewer> held = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    IdleViewer v = new IdleViewer(mine);
                    held.add(v);
                    assertEquals(200, v.status, "feed " + (i + 1) + " of 3 is within the quota");
                }
                // Three feeds, one camera: one pump thread, no thread per viewer.
                assertEquals(1, feedThreads(), "feed threads for 3 viewers of one camera");

                try (IdleViewer more = new IdleViewer(mine)) {
                    assertEquals(429, more.status);
                    JsonNode j = CamServer.JSON.readTree(more.body);
                    assertTrue(j.get("message").asText().contains("camera_feeds_per_instance"), more.body);
                }
                CamFeedHttpTest.Collector ws = new CamFeedHttpTest.Collector();
                rig.http.newWebSocketBuilder().buildAsync(URI.create(rig.camStatus(mallory, "0").get("feed_url").asText()), ws)
                        .get(10, TimeUnit.SECONDS);
                assertEquals(1008, ws.closed.get(10, TimeUnit.SECONDS));
                assertTrue(ws.reason.contains("camera_feeds_per_instance"), ws.reason);

                // The other borrower is unaffected: its MJPEG and WebSocket feeds deliver frames.
                try (IdleViewer other = new IdleViewer(URI.create(rig.camStatus(bob, "0").get("mjpeg_url").asText()))) {
                    assertEquals(200, other.status);
                }
                CamFeedHttpTest.Collector bobWs = new CamFeedHttpTest.Collector();
                rig.http.newWebSocketBuilder().buildAsync(URI.create(rig.camStatus(bob, "0").get("feed_url").asText()), bobWs)
                        .get(10, TimeUnit.SECONDS);
                CamServer.await("frames on the other instance's feed", Duration.ofSeconds(10), () -> bobWs.texts.size() >= 2);

                // Both refusals are in the borrower's audit log, with the quota as the rule.
                JsonNode log = CamServer.json(rig.get("/addon/mistyproxy/" + mallory + "/log?limit=10"));
                List<String> rules = new ArrayList<>();
                for (JsonNode e : log.get("entries")) {
                    if (e.get("decision").asText().equals("blocked")) {
                        rules.add(e.get("method").asText() + " " + e.get("status").asInt() + " " + e.get("rule").asText());
                    }
                }
                assertEquals(List.of("GET 429 quota camera_feeds_per_instance", "WS-OPEN 1008 quota camera_feeds_per_instance"),
                        rules);
                // Camera requests never go to the robot.
                assertEquals(List.of(), rig.robot.requests().stream().filter(r -> r.path().contains("cam")).toList());
            } finally {
                for (IdleViewer v : held) {
                    v.close();
                }
            }
            // Closed viewers give their feeds back.
            CamServer.await("the quota to free up", Duration.ofSeconds(10), () -> {
                try (IdleViewer again = new IdleViewer(mine)) {
                    return again.status == 200;
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
        }
    }

    @Test
    void aFullServerAnswers503NamingItsBound() throws Exception {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        UUID c = UUID.randomUUID();
        List<CamServer.Draft> drafts = new ArrayList<>();
        for (UUID d : List.of(a, b, c)) {
            drafts.add(new CamServer.Draft(d, 2, List.of(CamServer.synthetic("0", 160, 120, 15, null))));
        }
        try (CamServer rig = new CamServer(dir, 4, drafts)) {
            List<IdleViewer> held = new ArrayList<>();
            try {
                for (UUID d : List.of(a, b)) {
                    URI u = URI.create(rig.camStatus(rig.instanceWithCam(d), "0").get("mjpeg_url").asText());
                    for (int i = 0; i < 2; i++) {
                        held.add(new IdleViewer(u));
                        assertEquals(200, held.get(held.size() - 1).status);
                    }
                }
                String carol = rig.instanceWithCam(c);
                try (IdleViewer v = new IdleViewer(URI.create(rig.camStatus(carol, "0").get("mjpeg_url").asText()))) {
                    assertEquals(503, v.status);
                    assertTrue(v.body.contains("camera_feeds_max"), v.body);
                }
                CamFeedHttpTest.Collector ws = new CamFeedHttpTest.Collector();
                rig.http.newWebSocketBuilder().buildAsync(URI.create(rig.camStatus(carol, "0").get("feed_url").asText()), ws)
                        .get(10, TimeUnit.SECONDS);
                assertEquals(1013, ws.closed.get(10, TimeUnit.SECONDS));
                assertTrue(ws.reason.contains("camera_feeds_max"), ws.reason);
            } finally {
                for (IdleViewer v : held) {
                    v.close();
                }
            }
        }
    }
}
