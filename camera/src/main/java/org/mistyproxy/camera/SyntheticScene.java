package org.mistyproxy.camera;

import java.time.Instant;
import java.util.Arrays;

/**
 * The generated test scene (layout documented in camera/README.md). With {@code pw = width / 4}
 * and {@code ph = height / 4} (integer division):
 * <ul>
 *   <li>background grey RGB (128, 128, 128);</li>
 *   <li>red (255, 0, 0) at x in [0, pw), y in [0, ph) (top left);</li>
 *   <li>green (0, 255, 0) at x in [width - pw, width), y in [0, ph) (top right);</li>
 *   <li>blue (0, 0, 255) at x in [0, pw), y in [height - ph, height) (bottom left);</li>
 *   <li>white (255, 255, 255) at x in [width - pw, width), y in [height - ph, height) (bottom right);</li>
 *   <li>rows [ph, height - ph) are the moving part: black text "#seq time" at the top of that band
 *       and a black vertical bar below it that moves right as frames go by.</li>
 * </ul>
 * Everything outside the moving band is the same in every frame, so tests can compare it exactly.
 */
final class SyntheticScene {

    static final int[] GREY = {128, 128, 128};
    static final int[] RED = {255, 0, 0};
    static final int[] GREEN = {0, 255, 0};
    static final int[] BLUE = {0, 0, 255};
    static final int[] WHITE = {255, 255, 255};

    private final int width;
    private final int height;
    private final int fps;
    private final byte[] still;

    SyntheticScene(int width, int height, int fps) {
        this.width = width;
        this.height = height;
        this.fps = fps;
        this.still = new byte[width * height * 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int[] rgb = stillRgb(x, y, width, height);
                int i = (y * width + x) * 3;
                still[i] = (byte) rgb[2];
                still[i + 1] = (byte) rgb[1];
                still[i + 2] = (byte) rgb[0];
            }
        }
    }

    /** The RGB colour of pixel (x, y) outside the moving band; the band's background is grey. */
    static int[] stillRgb(int x, int y, int width, int height) {
        int pw = width / 4;
        int ph = height / 4;
        boolean left = x < pw;
        boolean right = x >= width - pw;
        boolean top = y < ph;
        boolean bottom = y >= height - ph;
        if (top && left) {
            return RED;
        }
        if (top && right) {
            return GREEN;
        }
        if (bottom && left) {
            return BLUE;
        }
        if (bottom && right) {
            return WHITE;
        }
        return GREY;
    }

    /** True when (x, y) is in the band that changes from frame to frame. */
    static boolean moving(int y, int height) {
        return y >= height / 4 && y < height - height / 4;
    }

    /** Frame {@code sequence} as packed BGR bytes. */
    byte[] render(long sequence, Instant time) {
        byte[] frame = Arrays.copyOf(still, still.length);
        int bandTop = height / 4;
        int bandBottom = height - height / 4;
        int textHeight = Math.max(12, Math.min(bandBottom - bandTop, height / 12));
        int barWidth = Math.max(2, width / 32);
        int travel = Math.max(1, width - barWidth);
        // One pass across the frame takes about four seconds.
        long step = Math.max(1, travel / (4L * fps));
        int barX = (int) ((sequence * step) % travel);
        for (int y = bandTop + textHeight; y < bandBottom; y++) {
            Arrays.fill(frame, (y * width + barX) * 3, (y * width + barX + barWidth) * 3, (byte) 0);
        }
        int textBand = Math.min(textHeight, bandBottom - bandTop);
        if (textBand > 0) {
            JavaCvBridge.drawText(frame, width, bandTop, textBand, "#" + sequence + " " + time);
        }
        return frame;
    }

    /** A grey card with a line of black text, as JPEG. */
    static byte[] notice(int width, int height, String message) {
        byte[] frame = new byte[width * height * 3];
        java.util.Arrays.fill(frame, (byte) GREY[0]);
        int rows = Math.max(12, Math.min(height, height / 10));
        int top = Math.max(0, (height - rows) / 2);
        // Hershey text does not wrap; long causes are cut rather than drawn off the edge.
        int maxChars = Math.max(8, width * 32 / (rows * 20));
        String text = message.length() > maxChars ? message.substring(0, maxChars - 3) + "..." : message;
        JavaCvBridge.drawText(frame, width, top, Math.min(rows, height - top), text);
        return JavaCvBridge.jpeg(frame, width, height, width, height, 80);
    }
}
