package org.mistyproxy.sim;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * The RGB camera: a real JPEG of a synthetic scene (a gradient, the LED colour as a disc, a
 * bar that moves with time and a mark that follows the head), so clients can decode it and see that it changes.
 */
final class CameraSnapshot {
    static final int DEFAULT_WIDTH = 640;
    static final int DEFAULT_HEIGHT = 480;

    private final RobotState state;

    CameraSnapshot(RobotState state) {
        this.state = state;
    }

    byte[] jpeg(int width, int height) {
        if (width < 16 || height < 16 || width > 4160 || height > 3120) {
            throw new BadArgument("Cannot TakePicture - Width and Height must be between 16x16 and 4160x3120, got "
                    + width + "x" + height + ".");
        }
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setPaint(new GradientPaint(0, 0, new Color(30, 60, 120), width, height, new Color(200, 180, 120)));
            g.fillRect(0, 0, width, height);
            int[] led = state.led();
            g.setColor(new Color(led[0], led[1], led[2]));
            int d = Math.min(width, height) / 4;
            g.fillOval(width / 2 - d / 2, height / 2 - d / 2, d, d);
            // No text: a machine without fonts (CI) would fail to render it. A bar that sweeps with
            // the clock and a mark that follows the head's yaw show that frames change.
            g.setColor(Color.WHITE);
            long tenths = System.currentTimeMillis() / 100;
            g.fillRect((int) (tenths % 20) * width / 20, height - height / 16, width / 20, height / 16);
            double yaw = state.head()[2];
            g.fillRect((int) ((yaw + 81) / 162 * (width - 8)), 0, 8, height / 16);
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "jpg", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
