package org.mistyproxy.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class EncodeOnceTest {

    @Test
    void fiftyConcurrentCallersCauseNoMoreEncodesThanFrames() throws Exception {
        try (Cameras cameras = new Cameras(Fixtures.settings())) {
            CameraView cam = cameras.add(Fixtures.spec("0", "synthetic", 640, 480, 30, null));
            ExecutorService pool = Executors.newFixedThreadPool(50);
            CameraStats before = cameras.stats();
            try (CameraHold hold = cam.hold()) {
                Set<Long> sequences = ConcurrentHashMap.newKeySet();
                // Natives loaded and the first frame in before the crowd starts.
                sequences.add(cam.snapshot(SnapshotRequest.of(ImageFormat.JPEG)).sequence());
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Integer>> calls = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    calls.add(pool.submit(() -> {
                        go.await();
                        int n = 0;
                        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1500);
                        while (System.nanoTime() < end) {
                            Snapshot s = cam.snapshot(SnapshotRequest.of(ImageFormat.JPEG));
                            assertEquals(0xD8, s.data()[1] & 0xff);
                            sequences.add(s.sequence());
                            n++;
                        }
                        return n;
                    }));
                }
                go.countDown();
                int total = 0;
                for (Future<Integer> f : calls) {
                    total += f.get(30, TimeUnit.SECONDS);
                }
                CameraStats after = cameras.stats();
                long frames = after.framesCaptured() - before.framesCaptured();
                long encodes = after.encodes() - before.encodes();
                assertTrue(total >= 50, "every caller got snapshots: " + total);
                assertTrue(frames > 5, "frames captured during the run: " + frames);
                assertTrue(encodes <= frames + 1, encodes + " encodes for " + frames + " frames, " + total + " snapshots");
                assertEquals(sequences.size(), encodes, "one encode per distinct frame served");
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void largeNpyResultsAreSharedToo() throws Exception {
        // .npy of 1280x720 is 2.7 MB per frame: the memo must not drop the newest frame's result.
        try (Cameras cameras = new Cameras(Fixtures.settings())) {
            CameraView cam = cameras.add(Fixtures.spec("0", "synthetic", 1280, 720, 30, null));
            ExecutorService pool = Executors.newFixedThreadPool(10);
            CameraStats before = cameras.stats();
            try (CameraHold hold = cam.hold()) {
                Set<Long> sequences = ConcurrentHashMap.newKeySet();
                sequences.add(cam.snapshot(SnapshotRequest.of(ImageFormat.NPY)).sequence());
                List<Future<?>> calls = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    calls.add(pool.submit(() -> {
                        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1000);
                        while (System.nanoTime() < end) {
                            sequences.add(cam.snapshot(SnapshotRequest.of(ImageFormat.NPY)).sequence());
                        }
                        return null;
                    }));
                }
                for (Future<?> f : calls) {
                    f.get(30, TimeUnit.SECONDS);
                }
                long encodes = cameras.stats().encodes() - before.encodes();
                // One RGB and one .npy per frame served.
                assertEquals(2L * sequences.size(), encodes, "encodes for " + sequences.size() + " frames");
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
