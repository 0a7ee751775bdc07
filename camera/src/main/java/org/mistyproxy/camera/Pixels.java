package org.mistyproxy.camera;

/** Pure-Java pixel moves on packed 3-byte pixels; exact, no natives. */
final class Pixels {

    private Pixels() {}

    static byte[] crop(byte[] src, int width, int height, CropRect r) {
        if (r.x0() == 0 && r.y0() == 0 && r.width() == width && r.height() == height) {
            return src;
        }
        int rowBytes = r.width() * 3;
        byte[] out = new byte[rowBytes * r.height()];
        for (int y = 0; y < r.height(); y++) {
            System.arraycopy(src, ((r.y0() + y) * width + r.x0()) * 3, out, y * rowBytes, rowBytes);
        }
        return out;
    }

    /** BGR to RGB into a new array (the source may be shared). */
    static byte[] swapRedBlue(byte[] bgr) {
        byte[] out = new byte[bgr.length];
        for (int i = 0; i < bgr.length; i += 3) {
            out[i] = bgr[i + 2];
            out[i + 1] = bgr[i + 1];
            out[i + 2] = bgr[i];
        }
        return out;
    }
}
