package org.mistyproxy.camera;

import java.nio.charset.StandardCharsets;

/**
 * NumPy {@code .npy} format version 1.0: magic {@code \x93NUMPY}, version 1.0, a little-endian
 * uint16 header length, then an ASCII dict literal padded with spaces and ended by a newline so
 * that the data starts at a multiple of 64 bytes.
 */
final class NpyFormat {

    private NpyFormat() {}

    static byte[] header(int height, int width) {
        String dict = "{'descr': '|u1', 'fortran_order': False, 'shape': (" + height + ", " + width + ", 3), }";
        int unpadded = 10 + dict.length() + 1;
        int total = (unpadded + 63) / 64 * 64;
        int headerLen = total - 10;
        byte[] out = new byte[total];
        out[0] = (byte) 0x93;
        byte[] magic = "NUMPY".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(magic, 0, out, 1, 5);
        out[6] = 1;
        out[7] = 0;
        out[8] = (byte) (headerLen & 0xff);
        out[9] = (byte) (headerLen >>> 8);
        byte[] d = dict.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(d, 0, out, 10, d.length);
        for (int i = 10 + d.length; i < total - 1; i++) {
            out[i] = ' ';
        }
        out[total - 1] = '\n';
        return out;
    }

    static byte[] file(int height, int width, byte[] rgb) {
        byte[] h = header(height, width);
        byte[] out = new byte[h.length + rgb.length];
        System.arraycopy(h, 0, out, 0, h.length);
        System.arraycopy(rgb, 0, out, h.length, rgb.length);
        return out;
    }
}
