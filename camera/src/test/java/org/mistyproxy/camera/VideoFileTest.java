package org.mistyproxy.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mistyproxy.camera.Fixtures.assertColour;
import static org.mistyproxy.camera.Fixtures.rgbAt;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VideoFileTest {

    @TempDir
    Path dir;

    @Test
    void aRecordedFileIsServedWithItsColoursAndLoops() throws Exception {
        Path video = dir.resolve("scene.mp4");
        Fixtures.writeVideo(video, 320, 240, 25, 10);
        try (Cameras cameras = new Cameras(Fixtures.settings())) {
            // file: URI form, and a crop of the bottom half.
            CameraView whole = cameras.add(Fixtures.spec("0", video.toUri().toString(), 320, 240, 25, null));
            CameraView bottom = cameras.add(Fixtures.spec("1", video.toUri().toString(), 320, 240, 25,
                    new CropRect(0, 120, 320, 240)));
            try (CameraHold h = whole.hold(); CameraHold h2 = bottom.hold()) {
                BufferedImage img = Fixtures.decodeJpeg(whole.snapshot(SnapshotRequest.of(ImageFormat.JPEG)).data());
                SyntheticSnapshotTest.assertPatches(img, 0, 0, 320, 240, 24);

                Snapshot rgb = bottom.snapshot(SnapshotRequest.of(ImageFormat.RGB));
                assertEquals(320, rgb.width());
                assertEquals(120, rgb.height());
                int rgbPixel = packed(rgbAt(rgb.data(), 320, 40, 90));
                assertColour(SyntheticScene.BLUE, rgbPixel, 24, "blue bottom left in crop");
                assertColour(SyntheticScene.WHITE, packed(rgbAt(rgb.data(), 320, 280, 90)), 24, "white bottom right");

                // Ten frames at 25 fps last 0.4 s; seeing sequence 30 means the file looped.
                Snapshot s = whole.snapshot(SnapshotRequest.of(ImageFormat.JPEG));
                while (s.sequence() < 30) {
                    s = whole.next(s.sequence(), SnapshotRequest.of(ImageFormat.JPEG), Duration.ofSeconds(3));
                }
                assertEquals(CameraStatus.State.RUNNING, whole.status().state());
            }
        }
    }

    private static int packed(int[] rgb) {
        return rgb[0] << 16 | rgb[1] << 8 | rgb[2];
    }
}
