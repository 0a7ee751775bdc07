package org.mistyproxy.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Network sources over real loopback sockets: an HTTP MJPEG stream (lost and back) and an mp4 over HTTP. */
class NetworkStreamTest {

    @TempDir
    Path dir;

    /** Serves an endless multipart MJPEG stream of the synthetic scene at ~20 fps while {@code up}. */
    static HttpServer mjpegServer(int port, AtomicBoolean up) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        SyntheticScene scene = new SyntheticScene(320, 240, 20);
        server.createContext("/stream.mjpg", ex -> {
            ex.getResponseHeaders().add("Content-Type", "multipart/x-mixed-replace; boundary=frame");
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = ex.getResponseBody()) {
                for (long i = 1; up.get(); i++) {
                    byte[] jpeg = JavaCvBridge.jpeg(scene.render(i, Instant.now()), 320, 240, 320, 240, 90);
                    out.write(("--frame\r\nContent-Type: image/jpeg\r\nContent-Length: " + jpeg.length + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.write(jpeg);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    TimeUnit.MILLISECONDS.sleep(50); // the stream's own frame rate
                }
            } catch (IOException | InterruptedException e) {
                // client went away or server stopping
            }
        });
        server.start();
        return server;
    }

    @Test
    void mjpegOverHttpIsServedAndRecoversAfterTheServerGoesAway() throws Exception {
        AtomicBoolean up = new AtomicBoolean(true);
        HttpServer server = mjpegServer(0, up);
        int port = server.getAddress().getPort();
        try (Cameras cameras = new Cameras(Fixtures.settings())) {
            CameraView cam = cameras.add(Fixtures.spec("net", "http://127.0.0.1:" + port + "/stream.mjpg", 320, 240, 20, null));
            try (CameraHold hold = cam.hold()) {
                Snapshot s = cam.snapshot(SnapshotRequest.of(ImageFormat.JPEG));
                SyntheticSnapshotTest.assertPatches(Fixtures.decodeJpeg(s.data()), 0, 0, 320, 240, 12);
                Snapshot rgb = cam.snapshot(SnapshotRequest.of(ImageFormat.RGB));
                Fixtures.assertColour(SyntheticScene.BLUE,
                        packed(Fixtures.rgbAt(rgb.data(), 320, 30, 220)), 12, "blue bottom left, RGB order");

                up.set(false);
                server.stop(0);
                Fixtures.await("the loss to show", Duration.ofSeconds(10),
                        () -> cam.status().state() == CameraStatus.State.FAILED);
                long t0 = System.nanoTime();
                try {
                    cam.snapshot(SnapshotRequest.of(ImageFormat.JPEG));
                    throw new AssertionError("snapshot of a lost stream succeeded");
                } catch (CameraUnavailableException e) {
                    assertTrue(e.getMessage().startsWith("camera net unavailable: "), e.getMessage());
                }
                assertTrue(System.nanoTime() - t0 < 1_000_000_000L, "answered within 1 s");

                up.set(true);
                HttpServer again = mjpegServer(port, up);
                try {
                    Fixtures.await("recovery", Duration.ofSeconds(10), () -> cam.status().state() == CameraStatus.State.RUNNING);
                    Snapshot after = cam.snapshot(SnapshotRequest.of(ImageFormat.JPEG));
                    assertTrue(after.sequence() > s.sequence());
                } finally {
                    up.set(false);
                    again.stop(0);
                }
            }
        } finally {
            up.set(false);
            server.stop(0);
        }
    }

    @Test
    void anMp4OverHttpIsAStream() throws Exception {
        Path video = dir.resolve("clip.mp4");
        Fixtures.writeVideo(video, 320, 240, 20, 40);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] bytes = Files.readAllBytes(video);
        server.createContext("/clip.mp4", ex -> {
            ex.getResponseHeaders().add("Content-Type", "video/mp4");
            ex.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        try (Cameras cameras = new Cameras(Fixtures.settings())) {
            CameraView cam = cameras.add(Fixtures.spec("mp4", "http://127.0.0.1:" + server.getAddress().getPort() + "/clip.mp4",
                    160, 120, 20, null));
            try (CameraHold hold = cam.hold()) {
                // A network source is not paced: the 2 s clip is read at once, ends, and is dialled
                // again after a backoff, so between two readings the camera is briefly unavailable.
                Snapshot[] got = new Snapshot[1];
                Fixtures.await("a frame from the mp4 stream", Duration.ofSeconds(10), () -> {
                    try {
                        got[0] = cam.snapshot(SnapshotRequest.of(ImageFormat.JPEG));
                        return true;
                    } catch (CameraUnavailableException ended) {
                        return false;
                    }
                });
                Snapshot s = got[0];
                assertEquals(160, s.width());
                SyntheticSnapshotTest.assertPatches(Fixtures.decodeJpeg(s.data()), 0, 0, 160, 120, 24);
            }
        } finally {
            server.stop(0);
        }
    }

    private static int packed(int[] rgb) {
        return rgb[0] << 16 | rgb[1] << 8 | rgb[2];
    }
}
