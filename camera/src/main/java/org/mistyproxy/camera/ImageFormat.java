package org.mistyproxy.camera;

/** What a snapshot is encoded as. */
public enum ImageFormat {
    /** JPEG file bytes (OpenCV {@code imencode}). */
    JPEG,
    /** Raw pixels, row-major, RGB order, uint8: {@code height * width * 3} bytes. */
    RGB,
    /** A NumPy {@code .npy} file (format 1.0) holding the RGB pixels as an (h, w, 3) uint8 array. */
    NPY
}
