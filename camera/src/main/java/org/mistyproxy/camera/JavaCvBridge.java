package org.mistyproxy.camera;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGRA2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.FONT_HERSHEY_SIMPLEX;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_8;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.putText;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.opencv.global.opencv_videoio;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_videoio.VideoCapture;

/**
 * Every call into JavaCV / OpenCV / FFmpeg natives lives here, so that (a) nothing loads the
 * natives until a capture loop or an encoder actually runs, and (b) the code that can crash the
 * JVM on a mistake is small and tested. Everything else sees packed BGR {@code byte[]}.
 */
final class JavaCvBridge {

    private JavaCvBridge() {}

    /** FFmpeg logs to stderr at INFO by default; only errors are worth a line. Runs once, on first stream. */
    private static final class QuietFfmpeg {
        static {
            avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        }

        static void ensure() {}
    }

    /** Draws black text into rows [top, top + rows) of a packed BGR frame of the given width. */
    static void drawText(byte[] frame, int width, int top, int rows, String text) {
        int off = top * width * 3;
        int len = rows * width * 3;
        try (PointerScope scope = new PointerScope()) {
            BytePointer p = new BytePointer(len);
            p.put(frame, off, len);
            Mat m = new Mat(rows, width, CV_8UC3, p);
            // HERSHEY_SIMPLEX is about 22 px tall at scale 1; leave room for the baseline.
            double scale = Math.max(0.3, rows / 32.0);
            int thickness = Math.max(1, rows / 16);
            putText(m, text, new Point(2, rows - Math.max(2, rows / 5)), FONT_HERSHEY_SIMPLEX, scale,
                    new Scalar(0, 0, 0, 0), thickness, LINE_8, false);
            p.get(frame, off, len);
        }
    }

    /** Scales packed BGR pixels with area interpolation (the right filter for shrinking). */
    static byte[] resizeBgr(byte[] bgr, int width, int height, int outWidth, int outHeight) {
        try (PointerScope scope = new PointerScope()) {
            BytePointer p = new BytePointer(bgr);
            Mat src = new Mat(height, width, CV_8UC3, p);
            Mat dst = new Mat(outHeight, outWidth, CV_8UC3);
            resize(src, dst, new Size(outWidth, outHeight), 0, 0, INTER_AREA);
            byte[] out = new byte[outWidth * outHeight * 3];
            dst.data().get(out);
            return out;
        }
    }

    /** JPEG of packed BGR pixels, scaled to outWidth x outHeight first if that differs. */
    static byte[] jpeg(byte[] bgr, int width, int height, int outWidth, int outHeight, int quality) {
        try (PointerScope scope = new PointerScope()) {
            BytePointer p = new BytePointer(bgr);
            Mat img = new Mat(height, width, CV_8UC3, p);
            if (outWidth != width || outHeight != height) {
                Mat small = new Mat(outHeight, outWidth, CV_8UC3);
                resize(img, small, new Size(outWidth, outHeight), 0, 0, INTER_AREA);
                img = small;
            }
            BytePointer out = new BytePointer();
            if (!imencode(".jpg", img, out, new IntPointer(IMWRITE_JPEG_QUALITY, quality))) {
                throw new IllegalStateException("JPEG encoding failed for " + outWidth + "x" + outHeight);
            }
            byte[] bytes = new byte[(int) out.limit()];
            out.get(bytes);
            return bytes;
        }
    }

    /** Opens a file or network stream; frames come out scaled to width x height, BGR. */
    static FrameSource openStream(String location, String shown, boolean network, int width, int height)
            throws IOException {
        QuietFfmpeg.ensure();
        FFmpegFrameGrabber g = new FFmpegFrameGrabber(location);
        g.setImageWidth(width);
        g.setImageHeight(height);
        g.setPixelFormat(avutil.AV_PIX_FMT_BGR24);
        if (network) {
            // Without these a dead server blocks the read forever (microseconds).
            g.setOption("rw_timeout", "5000000");
            g.setOption("timeout", "5000000");
        }
        try {
            g.start();
        } catch (FFmpegFrameGrabber.Exception e) {
            try {
                g.release();
            } catch (FFmpegFrameGrabber.Exception ignored) {
                // already failing; the open error is the one that matters
            }
            String err = ffmpegError(e.getMessage());
            throw new SourceException("cannot open " + shown + ": " + err, "cannot open " + kind(network) + ": " + err, e);
        }
        return new StreamSource(g, !network, shown, width, height);
    }

    private static final class StreamSource implements FrameSource {
        private final FFmpegFrameGrabber grabber;
        private final boolean file;
        private final String shown;
        private final int width;
        private final int height;

        StreamSource(FFmpegFrameGrabber grabber, boolean file, String shown, int width, int height) {
            this.grabber = grabber;
            this.file = file;
            this.shown = shown;
            this.width = width;
            this.height = height;
        }

        @Override
        public byte[] grab() throws IOException {
            Frame f;
            try {
                f = grabber.grabImage();
            } catch (FFmpegFrameGrabber.Exception e) {
                String err = ffmpegError(e.getMessage());
                throw new SourceException("reading " + shown + " failed: " + err, "reading " + kind(!file) + " failed: " + err, e);
            }
            if (f == null || f.image == null) {
                if (file) {
                    return null;
                }
                throw new SourceException(shown + " ended", "the stream ended");
            }
            int fw = f.imageWidth;
            int fh = f.imageHeight;
            ByteBuffer buf = (ByteBuffer) f.image[0];
            int stride = f.imageStride;
            int rowBytes = fw * 3;
            byte[] out = new byte[rowBytes * fh];
            for (int y = 0; y < fh; y++) {
                buf.get(y * stride, out, y * rowBytes, rowBytes);
            }
            if (fw != width || fh != height) {
                out = resizeBgr(out, fw, fh, width, height);
            }
            return out;
        }

        @Override
        public boolean paced() {
            return file;
        }

        @Override
        public void close() {
            try {
                grabber.release();
            } catch (FFmpegFrameGrabber.Exception ignored) {
                // closing a broken stream may fail too; nothing left to free
            }
        }
    }

    /** Opens a V4L2 device; the caller has checked that the device file exists. */
    static FrameSource openDevice(String path, int width, int height, int fps) throws IOException {
        VideoCapture cap = new VideoCapture(path, opencv_videoio.CAP_V4L2);
        if (!cap.isOpened()) {
            cap.close();
            throw new SourceException("cannot open device " + path, "cannot open the camera device");
        }
        cap.set(opencv_videoio.CAP_PROP_FRAME_WIDTH, width);
        cap.set(opencv_videoio.CAP_PROP_FRAME_HEIGHT, height);
        cap.set(opencv_videoio.CAP_PROP_FPS, fps);
        return new DeviceSource(cap, path, width, height);
    }

    private static final class DeviceSource implements FrameSource {
        private final VideoCapture capture;
        private final String path;
        private final int width;
        private final int height;

        DeviceSource(VideoCapture capture, String path, int width, int height) {
            this.capture = capture;
            this.path = path;
            this.width = width;
            this.height = height;
        }

        @Override
        public byte[] grab() throws IOException {
            try (PointerScope scope = new PointerScope()) {
                Mat m = new Mat();
                if (!capture.read(m) || m.empty()) {
                    throw new SourceException("device " + path + " gave no frame (unplugged?)",
                            "the camera device gave no frame (unplugged?)");
                }
                if (m.channels() == 1) {
                    Mat c = new Mat();
                    cvtColor(m, c, COLOR_GRAY2BGR);
                    m = c;
                } else if (m.channels() == 4) {
                    Mat c = new Mat();
                    cvtColor(m, c, COLOR_BGRA2BGR);
                    m = c;
                }
                if (m.cols() != width || m.rows() != height) {
                    Mat r = new Mat(height, width, CV_8UC3);
                    resize(m, r, new Size(width, height), 0, 0, INTER_AREA);
                    m = r;
                }
                if (!m.isContinuous()) {
                    m = m.clone();
                }
                byte[] out = new byte[width * height * 3];
                m.data().get(out);
                return out;
            }
        }

        @Override
        public boolean paced() {
            return false;
        }

        @Override
        public void close() {
            capture.release();
            capture.close();
        }
    }

    private static final Pattern AV_ERROR = Pattern.compile("error (-\\d+)");

    /**
     * JavaCV's messages repeat the URL (which may hold credentials) and advice for developers;
     * users get FFmpeg's own text for the error code instead.
     */
    private static String kind(boolean network) {
        return network ? "the stream" : "the video file";
    }

    private static String ffmpegError(String message) {
        Matcher m = AV_ERROR.matcher(message == null ? "" : message);
        if (!m.find()) {
            return "FFmpeg error";
        }
        int code = Integer.parseInt(m.group(1));
        byte[] buf = new byte[256];
        avutil.av_strerror(code, buf, buf.length);
        int len = 0;
        while (len < buf.length && buf[len] != 0) {
            len++;
        }
        return new String(buf, 0, len, StandardCharsets.UTF_8) + " (" + code + ")";
    }
}
