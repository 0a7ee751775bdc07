package org.mistyproxy.camera;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;
import javax.imageio.ImageIO;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;

/** Shared test fixtures: settings with short backoff, JPEG decoding, condition polling, test videos. */
final class Fixtures {

    private Fixtures() {}

    static CaptureSettings settings() {
        return new CaptureSettings(Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofMillis(50),
                Duration.ofMillis(300));
    }

    static CameraSpec spec(String id, String source, int w, int h, int fps, CropRect crop) {
        return new CameraSpec(id, source, w, h, fps, Optional.ofNullable(crop), 90);
    }

    static SnapshotRequest sized(ImageFormat f, Integer w, Integer h) {
        return new SnapshotRequest(f, w == null ? OptionalInt.empty() : OptionalInt.of(w),
                h == null ? OptionalInt.empty() : OptionalInt.of(h), OptionalInt.empty());
    }

    static BufferedImage decodeJpeg(byte[] jpeg) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(jpeg));
        if (img == null) {
            fail("not a decodable image");
        }
        return img;
    }

    static void assertColour(int[] expected, int rgb, int tolerance, String where) {
        int r = (rgb >> 16) & 0xff;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        assertTrue(Math.abs(r - expected[0]) <= tolerance && Math.abs(g - expected[1]) <= tolerance
                        && Math.abs(b - expected[2]) <= tolerance,
                where + ": expected ~(" + expected[0] + "," + expected[1] + "," + expected[2] + ") got (" + r + ","
                        + g + "," + b + ")");
    }

    static int[] rgbAt(byte[] rgb, int width, int x, int y) {
        int i = (y * width + x) * 3;
        return new int[] {rgb[i] & 0xff, rgb[i + 1] & 0xff, rgb[i + 2] & 0xff};
    }

    /** Polls until the condition holds or fails after the timeout. */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout + " waiting for " + what);
            }
            Thread.onSpinWait();
            Thread.sleep(10);
        }
    }

    /** Writes {@code frames} frames of the synthetic scene to an MPEG-4 file at high quality. */
    static void writeVideo(Path file, int w, int h, int fps, int frames) throws Exception {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        SyntheticScene scene = new SyntheticScene(w, h, fps);
        try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(file.toString(), w, h)) {
            r.setFormat("mp4");
            r.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
            r.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
            r.setFrameRate(fps);
            r.setVideoBitrate(4_000_000);
            r.start();
            for (int i = 1; i <= frames; i++) {
                byte[] bgr = scene.render(i, Instant.now());
                Frame f = new Frame(w, h, Frame.DEPTH_UBYTE, 3);
                ByteBuffer buf = (ByteBuffer) f.image[0];
                for (int y = 0; y < h; y++) {
                    buf.put(y * f.imageStride, bgr, y * w * 3, w * 3);
                }
                r.record(f, avutil.AV_PIX_FMT_BGR24);
            }
            r.stop();
        }
    }
}
