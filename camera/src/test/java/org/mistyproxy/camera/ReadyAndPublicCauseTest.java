package org.mistyproxy.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CameraView#ready} never encodes nor goes back in time; borrower-facing causes hide the source. */
class ReadyAndPublicCauseTest {

    @TempDir
    Path dir;

    @Test
    void readyHandsOutOnlyWhatSomeoneEncodedAndNeverGoesBack() throws Exception {
        try (Cameras cameras = new Cameras(Fixtures.settings())) {
            CameraView cam = cameras.add(Fixtures.spec("0", "synthetic", 320, 240, 30, null));
            SnapshotRequest jpeg = SnapshotRequest.of(ImageFormat.JPEG);
            assertNull(cam.ready(jpeg), "not held: nothing at hand");
            try (CameraHold hold = cam.hold()) {
                Snapshot first = cam.snapshot(jpeg);
                long encodes = cameras.stats().encodes();
                long last = 0;
                int hits = 0;
                long end = System.nanoTime() + 1_000_000_000L;
                while (System.nanoTime() < end) {
                    Snapshot s = cam.ready(jpeg);
                    if (s != null) {
                        hits++;
                        assertTrue(s.sequence() >= last, "never older than an earlier answer");
                        last = s.sequence();
                    }
                }
                assertTrue(hits > 0, "the snapshot's encoding was at hand");
                assertEquals(encodes, cameras.stats().encodes(), "ready() never encodes");
                assertTrue(last >= first.sequence());
                // The same frame's memo is shared by every caller of that frame.
                Snapshot again = cam.snapshot(jpeg);
                Object a = again.memo().get("k", Object::new);
                Snapshot same = cam.ready(jpeg);
                if (same != null && same.sequence() == again.sequence()) {
                    assertSame(a, same.memo().get("k", Object::new));
                }
            }
        }
    }

    @Test
    void cropsOfOneSourceNeverShareDerivedResults() throws Exception {
        try (Cameras cameras = new Cameras(Fixtures.settings())) {
            CameraView whole = cameras.add(Fixtures.spec("w", "synthetic", 320, 240, 30, null));
            CameraView left = cameras.add(Fixtures.spec("l", "synthetic", 320, 240, 30, new CropRect(0, 0, 160, 120)));
            SnapshotRequest jpeg = SnapshotRequest.of(ImageFormat.JPEG);
            try (CameraHold a = whole.hold(); CameraHold b = left.hold()) {
                for (int i = 0; i < 20; i++) {
                    Snapshot w = whole.snapshot(jpeg);
                    Snapshot l = left.snapshot(jpeg);
                    if (w.sequence() == l.sequence()) {
                        Object fromWhole = w.memo().get("body", () -> "whole");
                        assertEquals("whole", fromWhole);
                        assertEquals("left", l.memo().get("body", () -> "left"), "a crop's memo is its own");
                        assertSame(fromWhole, whole.snapshot(jpeg).sequence() == w.sequence()
                                ? whole.snapshot(jpeg).memo().get("body", () -> "other") : fromWhole);
                        return;
                    }
                }
                throw new AssertionError("never caught both crops on one frame");
            }
        }
    }

    @Test
    void borrowerCausesHideFilesHostsAndClassesButTheStatusKeepsThem() throws Exception {
        SourceAddress file = SourceAddress.parse(dir.resolve("lab.mp4").toString());
        assertEquals("cannot read a file", PublicCause.of(new IOException("cannot read /srv/secret/lab.mp4"), file));
        assertEquals("its source is gone", PublicCause.of(new IOException(file.location() + " is gone"), file));
        assertEquals(PublicCause.INTERNAL, PublicCause.of(new IllegalStateException("at /opt/x"), file));
        assertEquals(PublicCause.INTERNAL, PublicCause.of(new IOException((String) null), file));
        String shown = PublicCause.scrub("failed: java.lang.UnsatisfiedLinkError in rtsp://user:pw@10.0.0.5/cam", file);
        assertFalse(shown.contains("java.lang"), shown);
        assertFalse(shown.contains("10.0.0.5"), shown);

        try (Cameras cameras = new Cameras(Fixtures.settings())) {
            CameraView cam = cameras.add(Fixtures.spec("9", dir.resolve("absent.mp4").toString(), 160, 120, 10, null));
            try (CameraHold hold = cam.hold()) {
                Fixtures.await("the failure", Duration.ofSeconds(10), () -> cam.status().state() == CameraStatus.State.FAILED);
                try {
                    cam.snapshot(SnapshotRequest.of(ImageFormat.JPEG));
                    throw new AssertionError("a missing file gave a snapshot");
                } catch (CameraUnavailableException e) {
                    assertFalse(e.getMessage().contains(dir.toString()), e.getMessage());
                }
                // For the server log and operators: the whole cause.
                assertTrue(cam.status().cause().orElseThrow().contains(dir.resolve("absent.mp4").toString()));
                assertNotNull(cam.status().cause());
            }
        }
    }
}
