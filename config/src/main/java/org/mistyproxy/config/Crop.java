package org.mistyproxy.config;

/** A rectangle of a frame, {@code [x0, y0, x1, y1]}: x0 and y0 inclusive, x1 and y1 exclusive. */
public record Crop(int x0, int y0, int x1, int y1) {

    public int width() {
        return x1 - x0;
    }

    public int height() {
        return y1 - y0;
    }
}
