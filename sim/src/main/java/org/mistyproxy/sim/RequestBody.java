package org.mistyproxy.sim;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A request body read to its end. Up to {@link RequestLog#BODY_LIMIT} bytes stay in memory; a
 * longer body is streamed to a temporary file as it arrives, so a 20 MB upload never sits in the
 * heap. The owner deletes the file with {@link #discard()} (or moves it with {@link #moveTo}).
 */
final class RequestBody {
    private final byte[] head;
    private final long size;
    private Path file;

    private RequestBody(byte[] head, long size, Path file) {
        this.head = head;
        this.size = size;
        this.file = file;
    }

    static RequestBody empty() {
        return new RequestBody(new byte[0], 0, null);
    }

    static RequestBody read(InputStream in, Path spillDir) throws IOException {
        ByteArrayOutputStream memory = new ByteArrayOutputStream();
        byte[] buffer = new byte[16 * 1024];
        long size = 0;
        OutputStream spill = null;
        Path file = null;
        try {
            int n;
            while ((n = in.read(buffer)) > 0) {
                size += n;
                if (spill == null && size > RequestLog.BODY_LIMIT) {
                    file = Files.createTempFile(spillDir, "body-", ".bin");
                    spill = Files.newOutputStream(file);
                    memory.writeTo(spill);
                }
                if (spill != null) {
                    spill.write(buffer, 0, n);
                } else {
                    memory.write(buffer, 0, n);
                }
            }
        } catch (IOException e) {
            if (file != null) {
                Files.deleteIfExists(file);
            }
            throw e;
        } finally {
            if (spill != null) {
                spill.close();
            }
        }
        return new RequestBody(spill == null ? memory.toByteArray() : new byte[0], size, file);
    }

    long size() {
        return size;
    }

    boolean inMemory() {
        return file == null;
    }

    /** The exact bytes when the body is small enough to be kept, else empty. */
    byte[] head() {
        return head;
    }

    InputStream open() throws IOException {
        return file == null ? new ByteArrayInputStream(head) : Files.newInputStream(file);
    }

    /** The whole body; only for bodies that must be parsed (JSON), never for raw uploads. */
    byte[] bytes() throws IOException {
        return file == null ? head : Files.readAllBytes(file);
    }

    Path file() {
        return file;
    }

    /** The first non-blank byte, to tell a JSON object from raw bytes without reading it all. */
    int firstNonBlank() throws IOException {
        try (InputStream in = open()) {
            int c;
            while ((c = in.read()) >= 0) {
                if (!Character.isWhitespace(c) && c != 0xEF && c != 0xBB && c != 0xBF) {
                    return c;
                }
            }
            return -1;
        }
    }

    /** Writes the body to {@code target}, moving the spill file when there is one. */
    void moveTo(Path target) throws IOException {
        if (file != null) {
            Files.move(file, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            file = null;
        } else {
            Files.write(target, head);
        }
    }

    void discard() {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // a temp file left behind is removed with the simulator's folder on close
            }
            file = null;
        }
    }

    @Override
    public String toString() {
        return size + " bytes" + (file == null ? " in memory" : " in " + file);
    }
}
