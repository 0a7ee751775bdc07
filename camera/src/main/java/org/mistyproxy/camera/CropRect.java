package org.mistyproxy.camera;

/**
 * A rectangle of a frame, {@code [x0, y0, x1, y1]} in pixels: x0 and y0 inclusive, x1 and y1
 * exclusive (the shape of hardshare's {@code attach-camera --crop}).
 */
public record CropRect(int x0, int y0, int x1, int y1) {

    public CropRect {
        if (x0 < 0 || y0 < 0 || x1 <= x0 || y1 <= y0) {
            throw new IllegalArgumentException("crop [" + x0 + ", " + y0 + ", " + x1 + ", " + y1
                    + "] is not a rectangle: need 0 <= x0 < x1 and 0 <= y0 < y1");
        }
    }

    public static CropRect whole(int width, int height) {
        return new CropRect(0, 0, width, height);
    }

    public int width() {
        return x1 - x0;
    }

    public int height() {
        return y1 - y0;
    }

    boolean fitsIn(int width, int height) {
        return x1 <= width && y1 <= height;
    }

    @Override
    public String toString() {
        return "[" + x0 + ", " + y0 + ", " + x1 + ", " + y1 + "]";
    }
}
