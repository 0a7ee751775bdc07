package org.mistyproxy.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FaultTest {

    @TempDir
    Path dir;

    /** Loading the natives is a one-time cost of the process (up to seconds on a busy machine), not of a snapshot. */
    @BeforeAll
    static void loadNatives() {
        JavaCvBridge.jpeg(new byte[8 * 8 * 3], 8, 8, 8, 8, 80);
        org.bytedeco.ffmpeg.global.avutil.av_log_set_level(org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR);
    }

    private static long millisToFail(CameraView cam, AtomicReference<String> message) {
        long t0 = System.nanoTime();
        try {
            cam.snapshot(SnapshotRequest.of(ImageFormat.JPEG));
            fail("snapshot of a missing source succeeded");
        } catch (CameraUnavailableException e) {
            message.set(e.getMessage());
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void missingDeviceFileAndStreamAnswerWithinOneSecond() {
        try (Cameras cameras = new Cameras(Fixtures.settings())) {
            CameraView dev = cameras.add(Fixtures.spec("0", "/dev/video77", 320, 240, 15, null));
            CameraView idx = cameras.add(Fixtures.spec("1", "78", 320, 240, 15, null));
            CameraView file = cameras.add(Fixtures.spec("2", dir.resolve("absent.mp4").toString(), 320, 240, 15, null));
            CameraView net = cameras.add(Fixtures.spec("3", "http://127.0.0.1:1/stream.mjpg", 320, 240, 15, null));
            try (CameraHold a = dev.hold(); CameraHold b = idx.hold(); CameraHold c = file.hold(); CameraHold d = net.hold()) {
                AtomicReference<String> m = new AtomicReference<>();
                assertTrue(millisToFail(dev, m) < 1000);
                assertEquals("camera 0 unavailable: the camera device does not exist", m.get());
                assertTrue(millisToFail(idx, m) < 1000);
                assertEquals("camera 1 unavailable: the camera device does not exist", m.get());
                assertTrue(millisToFail(file, m) < 1000);
                assertEquals("camera 2 unavailable: the video file does not exist", m.get());
                long ms = millisToFail(net, m);
                assertTrue(ms < 1000, "network failure took " + ms + " ms");
                assertEquals("camera 3 unavailable: cannot open the stream: Connection refused (-111)", m.get());
                assertEquals(CameraStatus.State.FAILED, net.status().state());
            }
        }
    }

    @Test
    void fileRemovedAndRestoredMidStreamRecoversOnItsOwn() throws Exception {
        Path video = dir.resolve("loop.mp4");
        Path away = dir.resolve("moved-away.mp4");
        Fixtures.writeVideo(video, 160, 120, 20, 10); // half a second, so it loops (reopens) often
        try (Cameras cameras = new Cameras(Fixtures.settings())) {
            CameraView cam = cameras.add(Fixtures.spec("5", video.toString(), 160, 120, 20, null));
            try (CameraHold hold = cam.hold()) {
                Snapshot before = cam.snapshot(SnapshotRequest.of(ImageFormat.JPEG));
                Files.move(video, away);
                AtomicReference<String> message = new AtomicReference<>();
                Fixtures.await("the loss to show", Duration.ofSeconds(5), () -> {
                    long t0 = System.nanoTime();
                    try {
                        cam.snapshot(SnapshotRequest.of(ImageFormat.JPEG));
                        return false;
                    } catch (CameraUnavailableException e) {
                        assertTrue(System.nanoTime() - t0 < 1_000_000_000L, "answered within 1 s");
                        message.set(e.getMessage());
                        return true;
                    }
                });
                assertEquals("camera 5 unavailable: the video file does not exist", message.get());
                assertEquals(CameraStatus.State.FAILED, cam.status().state());

                Files.move(away, video);
                Fixtures.await("recovery", Duration.ofSeconds(5), () -> cam.status().state() == CameraStatus.State.RUNNING);
                Snapshot after = cam.snapshot(SnapshotRequest.of(ImageFormat.JPEG));
                assertTrue(after.sequence() > before.sequence());
                SyntheticSnapshotTest.assertPatches(Fixtures.decodeJpeg(after.data()), 0, 0, 160, 120, 24);
            }
        }
    }

    @Test
    void badCameraSpecsAreRefusedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Fixtures.spec("7", "synthetic", 320, 240, 15, new CropRect(0, 0, 400, 100)));
        assertEquals("camera 7: crop [0, 0, 400, 100] does not fit in the 320x240 frame", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new CropRect(10, 0, 5, 5));
        assertEquals("crop [10, 0, 5, 5] is not a rectangle: need 0 <= x0 < x1 and 0 <= y0 < y1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Fixtures.spec("7", "synthetic", 320, 240, 0, null));
        assertEquals("camera 7: fps 0 is out of range (1 to 120)", e.getMessage());
        try (Cameras cameras = new Cameras(Fixtures.settings())) {
            e = assertThrows(IllegalArgumentException.class, () -> cameras.add(Fixtures.spec("8", "file:video.mp4", 320, 240, 5, null)));
            assertTrue(e.getMessage().startsWith("camera source 'file:video.mp4' is not a usable file URI (use file:///absolute/path)"),
                    e.getMessage());
            CameraView v = cameras.add(Fixtures.spec("9", "synthetic", 64, 48, 5, null));
            cameras.close();
            assertThrows(IllegalStateException.class, v::hold, "no capture after close");
        }
    }
}
