package org.mistyproxy.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CaptureLifecycleTest {

    private static boolean captureThreadAlive() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("capture synthetic") && t.isAlive());
    }

    @Test
    void captureRunsOnlyWhileHeldAndStopsWithTheLastHolder() throws Exception {
        try (Cameras cameras = new Cameras(Fixtures.settings())) {
            CameraView a = cameras.add(Fixtures.spec("a", "synthetic", 160, 120, 30, null));
            CameraView b = cameras.add(Fixtures.spec("b", "synthetic", 160, 120, 30, new CropRect(0, 0, 80, 60)));
            assertEquals(CameraStatus.State.IDLE, a.status().state());
            CameraUnavailableException idle = assertThrows(CameraUnavailableException.class,
                    () -> a.snapshot(SnapshotRequest.of(ImageFormat.JPEG)));
            assertEquals("camera a unavailable: capture is not active (no instance has the cam add-on)", idle.getMessage());
            assertEquals(0, cameras.stats().framesCaptured());

            CameraHold h1 = a.hold();
            CameraHold h2 = b.hold();
            Snapshot first = a.snapshot(SnapshotRequest.of(ImageFormat.RGB));
            assertEquals(CameraStatus.State.RUNNING, a.status().state());
            assertEquals(1, cameras.stats().activeLoops());

            h1.close();
            h1.close(); // a second close must not release the other holder's share
            long seen = first.sequence();
            Snapshot later = b.next(seen, SnapshotRequest.of(ImageFormat.RGB), Duration.ofSeconds(2));
            assertTrue(later != null && later.sequence() > seen, "still capturing for the remaining holder");

            h2.close();
            assertEquals(CameraStatus.State.IDLE, b.status().state());
            assertEquals(0, cameras.stats().activeLoops());
            Fixtures.await("capture thread to end", Duration.ofSeconds(5), () -> !captureThreadAlive());
            long frames = cameras.stats().framesCaptured();
            assertThrows(CameraUnavailableException.class, () -> b.snapshot(SnapshotRequest.of(ImageFormat.JPEG)));
            assertEquals(frames, cameras.stats().framesCaptured(), "no frames after the thread ended");

            // Holding again restarts capture; sequence numbers keep growing so caches never mix runs.
            try (CameraHold h3 = a.hold()) {
                Snapshot again = a.snapshot(SnapshotRequest.of(ImageFormat.RGB));
                assertTrue(again.sequence() > later.sequence());
            }
        }
    }
}
