package org.mistyproxy.camera;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mistyproxy.camera.Fixtures.assertColour;
import static org.mistyproxy.camera.Fixtures.rgbAt;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SyntheticSnapshotTest {

    static final int W = 320;
    static final int H = 240;

    final Cameras cameras = new Cameras(Fixtures.settings());

    @AfterEach
    void close() {
        cameras.close();
    }

    @Test
    void rgbPixelsAreExactlyTheSceneInRgbOrderAndUpright() throws Exception {
        CameraView cam = cameras.add(Fixtures.spec("0", "synthetic", W, H, 15, null));
        try (CameraHold hold = cam.hold()) {
            Snapshot s = cam.snapshot(SnapshotRequest.of(ImageFormat.RGB));
            assertEquals(W, s.width());
            assertEquals(H, s.height());
            assertEquals(W * H * 3, s.data().length);
            assertTrue(s.sequence() >= 1);
            int checked = 0;
            for (int y = 0; y < H; y++) {
                if (SyntheticScene.moving(y, H)) {
                    continue;
                }
                for (int x = 0; x < W; x++) {
                    assertArrayEquals(SyntheticScene.stillRgb(x, y, W, H), rgbAt(s.data(), W, x, y), "pixel " + x + "," + y);
                    checked++;
                }
            }
            assertEquals(W * H / 2, checked);
            // Spot checks independent of the scene code: red top-left, white bottom-right.
            assertArrayEquals(new int[] {255, 0, 0}, rgbAt(s.data(), W, 5, 5));
            assertArrayEquals(new int[] {0, 255, 0}, rgbAt(s.data(), W, W - 5, 5));
            assertArrayEquals(new int[] {0, 0, 255}, rgbAt(s.data(), W, 5, H - 5));
            assertArrayEquals(new int[] {255, 255, 255}, rgbAt(s.data(), W, W - 5, H - 5));
            assertArrayEquals(new int[] {128, 128, 128}, rgbAt(s.data(), W, W / 2, 5));
        }
    }

    @Test
    void movingBandHasTheBarAndChangesBetweenFrames() throws Exception {
        CameraView cam = cameras.add(Fixtures.spec("0", "synthetic", W, H, 30, null));
        try (CameraHold hold = cam.hold()) {
            Snapshot a = cam.snapshot(SnapshotRequest.of(ImageFormat.RGB));
            Snapshot b = cam.next(a.sequence(), SnapshotRequest.of(ImageFormat.RGB), java.time.Duration.ofSeconds(2));
            assertTrue(b.sequence() > a.sequence());
            assertTrue(!b.capturedAt().isBefore(a.capturedAt()));
            int y = H * 5 / 8; // below the text, in the bar's rows
            int black = 0;
            for (int x = 0; x < W; x++) {
                if (Arrays.equals(rgbAt(a.data(), W, x, y), new int[] {0, 0, 0})) {
                    black++;
                }
            }
            assertEquals(Math.max(2, W / 32), black, "bar width on row " + y);
            assertTrue(!Arrays.equals(a.data(), b.data()), "consecutive frames differ in the moving band");
        }
    }

    @Test
    void jpegDecodesToThePatchColours() throws Exception {
        CameraView cam = cameras.add(Fixtures.spec("0", "synthetic", W, H, 15, null));
        try (CameraHold hold = cam.hold()) {
            Snapshot s = cam.snapshot(SnapshotRequest.of(ImageFormat.JPEG));
            assertEquals(0xFF, s.data()[0] & 0xff);
            assertEquals(0xD8, s.data()[1] & 0xff);
            BufferedImage img = Fixtures.decodeJpeg(s.data());
            assertEquals(W, img.getWidth());
            assertEquals(H, img.getHeight());
            assertPatches(img, 0, 0, W, H, 10);
        }
    }

    static void assertPatches(BufferedImage img, int ox, int oy, int w, int h, int tol) {
        // Centres of the patches of a w x h scene, shifted by a crop origin (ox, oy).
        int pw = w / 4;
        int ph = h / 4;
        assertColour(SyntheticScene.RED, img.getRGB(pw / 2 - ox, ph / 2 - oy), tol, "red patch");
        assertColour(SyntheticScene.GREEN, img.getRGB(w - pw / 2 - ox, ph / 2 - oy), tol, "green patch");
        assertColour(SyntheticScene.BLUE, img.getRGB(pw / 2 - ox, h - ph / 2 - oy), tol, "blue patch");
        assertColour(SyntheticScene.WHITE, img.getRGB(w - pw / 2 - ox, h - ph / 2 - oy), tol, "white patch");
        assertColour(SyntheticScene.GREY, img.getRGB(w / 2 - ox, ph / 2 - oy), tol, "grey background");
    }

    @Test
    void npyHeaderFollowsTheSpecAndDataIsTheRgbPixels() throws Exception {
        CameraView cam = cameras.add(Fixtures.spec("0", "synthetic", W, H, 15, null));
        try (CameraHold hold = cam.hold()) {
            Snapshot s = cam.snapshot(SnapshotRequest.of(ImageFormat.NPY));
            byte[] d = s.data();
            assertEquals(0x93, d[0] & 0xff);
            assertEquals("NUMPY", new String(d, 1, 5, StandardCharsets.US_ASCII));
            assertEquals(1, d[6]);
            assertEquals(0, d[7]);
            int headerLen = (d[8] & 0xff) | (d[9] & 0xff) << 8;
            assertEquals(0, (10 + headerLen) % 64, "data is 64-byte aligned");
            String header = new String(d, 10, headerLen, StandardCharsets.US_ASCII);
            assertEquals("{'descr': '|u1', 'fortran_order': False, 'shape': (240, 320, 3), }", header.stripTrailing());
            assertTrue(header.endsWith("\n"));
            assertEquals(10 + headerLen + W * H * 3, d.length);
            byte[] pixels = Arrays.copyOfRange(d, 10 + headerLen, d.length);
            assertArrayEquals(new int[] {255, 0, 0}, rgbAt(pixels, W, 0, 0));
            assertArrayEquals(new int[] {255, 255, 255}, rgbAt(pixels, W, W - 1, H - 1));
            assertArrayEquals(new int[] {0, 0, 255}, rgbAt(pixels, W, 0, H - 1));
        }
    }

    @Test
    void cropShowsOnlyItsRectangleInEveryFormat() throws Exception {
        // Top right quarter-ish: part of the grey background and the whole green patch.
        CropRect crop = new CropRect(W / 2, 0, W, H / 4);
        CameraView cam = cameras.add(Fixtures.spec("c", "synthetic", W, H, 15, crop));
        try (CameraHold hold = cam.hold()) {
            Snapshot rgb = cam.snapshot(SnapshotRequest.of(ImageFormat.RGB));
            assertEquals(W / 2, rgb.width());
            assertEquals(H / 4, rgb.height());
            for (int y = 0; y < crop.height(); y++) {
                for (int x = 0; x < crop.width(); x++) {
                    assertArrayEquals(SyntheticScene.stillRgb(x + crop.x0(), y + crop.y0(), W, H),
                            rgbAt(rgb.data(), crop.width(), x, y));
                }
            }
            BufferedImage img = Fixtures.decodeJpeg(cam.snapshot(SnapshotRequest.of(ImageFormat.JPEG)).data());
            assertEquals(crop.width(), img.getWidth());
            assertEquals(crop.height(), img.getHeight());
            assertColour(SyntheticScene.GREEN, img.getRGB(crop.width() - 10, crop.height() / 2), 10, "green in crop");
            assertColour(SyntheticScene.GREY, img.getRGB(10, crop.height() / 2), 10, "grey in crop");
        }
    }

    @Test
    void twoEntriesOnOneSourceShareOneLoopWithTheirOwnCrops() throws Exception {
        CameraView left = cameras.add(Fixtures.spec("l", "synthetic", W, H, 15, new CropRect(0, 0, W / 4, H / 4)));
        CameraView right = cameras.add(Fixtures.spec("r", "synthetic", W, H, 15, new CropRect(W - W / 4, 0, W, H / 4)));
        try (CameraHold a = left.hold(); CameraHold b = right.hold()) {
            assertEquals(1, cameras.stats().activeLoops());
            Snapshot l = left.snapshot(SnapshotRequest.of(ImageFormat.RGB));
            Snapshot r = right.snapshot(SnapshotRequest.of(ImageFormat.RGB));
            assertArrayEquals(SyntheticScene.RED, rgbAt(l.data(), l.width(), 3, 3));
            assertArrayEquals(SyntheticScene.GREEN, rgbAt(r.data(), r.width(), 3, 3));
        }
        assertEquals(0, cameras.stats().activeLoops());
    }

    @Test
    void downscaleKeepsAspectUnlessBothSidesAreGiven() throws Exception {
        CameraView cam = cameras.add(Fixtures.spec("0", "synthetic", W, H, 15, null));
        try (CameraHold hold = cam.hold()) {
            Snapshot half = cam.snapshot(Fixtures.sized(ImageFormat.RGB, 160, null));
            assertEquals(160, half.width());
            assertEquals(120, half.height());
            assertEquals(160 * 120 * 3, half.data().length);
            // Area interpolation inside a uniform patch keeps the colour exactly.
            assertArrayEquals(SyntheticScene.RED, rgbAt(half.data(), 160, 10, 10));
            assertArrayEquals(SyntheticScene.WHITE, rgbAt(half.data(), 160, 150, 110));

            Snapshot byHeight = cam.snapshot(Fixtures.sized(ImageFormat.JPEG, null, 60));
            BufferedImage img = Fixtures.decodeJpeg(byHeight.data());
            assertEquals(80, img.getWidth());
            assertEquals(60, img.getHeight());
            assertPatches(img, 0, 0, 80, 60, 16);

            Snapshot both = cam.snapshot(Fixtures.sized(ImageFormat.NPY, 100, 30));
            assertEquals(100, both.width());
            assertEquals(30, both.height());

            IllegalArgumentException up = assertThrows(IllegalArgumentException.class,
                    () -> cam.snapshot(Fixtures.sized(ImageFormat.JPEG, 640, null)));
            assertEquals("width 640 is out of range for camera 0: 1 to 320 (images can only be scaled down)", up.getMessage());
            assertThrows(IllegalArgumentException.class, () -> cam.snapshot(Fixtures.sized(ImageFormat.JPEG, null, 0)));
        }
    }

    @Test
    void lowerQualityGivesSmallerJpeg() throws Exception {
        CameraView cam = cameras.add(Fixtures.spec("0", "synthetic", W, H, 15, null));
        try (CameraHold hold = cam.hold()) {
            Snapshot q = cam.snapshot(SnapshotRequest.of(ImageFormat.JPEG));
            Snapshot low = cam.snapshot(new SnapshotRequest(ImageFormat.JPEG, OptionalInt.empty(), OptionalInt.empty(),
                    OptionalInt.of(5)));
            assertTrue(low.data().length < q.data().length, low.data().length + " < " + q.data().length);
            assertThrows(IllegalArgumentException.class, () -> new SnapshotRequest(ImageFormat.JPEG,
                    OptionalInt.empty(), OptionalInt.empty(), OptionalInt.of(101)));
        }
    }

    @Test
    void noticeCardIsAGreyJpegOfTheOutputSizeAndStatsCountCpuTime() throws Exception {
        CameraView cam = cameras.add(Fixtures.spec("0", "synthetic", W, H, 15, null));
        BufferedImage card = Fixtures.decodeJpeg(cam.noticeJpeg("camera 0 unavailable: device /dev/video9 does not exist",
                Fixtures.sized(ImageFormat.JPEG, 160, null)));
        assertEquals(160, card.getWidth());
        assertEquals(120, card.getHeight());
        assertColour(SyntheticScene.GREY, card.getRGB(3, 3), 6, "card background");
        try (CameraHold hold = cam.hold()) {
            cam.snapshot(SnapshotRequest.of(ImageFormat.JPEG));
        }
        CameraStats stats = cameras.stats();
        assertTrue(stats.framesCaptured() >= 1 && stats.encodes() >= 1, stats.toString());
        assertTrue(stats.captureNanos() > 0 && stats.encodeNanos() > 0, stats.toString());
    }
}
