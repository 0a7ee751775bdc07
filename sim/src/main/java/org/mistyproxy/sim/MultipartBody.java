package org.mistyproxy.sim;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A multipart/form-data body, parsed in place: a large body is memory-mapped from its spill file
 * and each part is a slice of it, so a file part is copied to its destination without ever being
 * held in the heap.
 */
final class MultipartBody {
    record Part(String name, String fileName, String contentType, ByteBuffer content) {
        boolean isFile() {
            return fileName != null;
        }

        String text() {
            ByteBuffer b = content.duplicate();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            return new String(bytes, StandardCharsets.UTF_8);
        }

        void copyTo(Path target) throws IOException {
            try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = content.duplicate();
                while (b.hasRemaining()) {
                    out.write(b);
                }
            }
        }
    }

    private final List<Part> parts;

    private MultipartBody(List<Part> parts) {
        this.parts = parts;
    }

    List<Part> parts() {
        return parts;
    }

    Optional<Part> firstFile() {
        return parts.stream().filter(Part::isFile).findFirst();
    }

    static MultipartBody parse(RequestBody body, String contentType) throws IOException {
        String boundary = parameter(contentType, "boundary")
                .orElseThrow(() -> new BadArgument("multipart/form-data body without a boundary parameter."));
        ByteBuffer data;
        if (body.inMemory()) {
            data = ByteBuffer.wrap(body.head());
        } else {
            try (FileChannel ch = FileChannel.open(body.file(), StandardOpenOption.READ)) {
                data = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
            }
        }
        byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        List<Part> parts = new ArrayList<>();
        int pos = indexOf(data, delimiter, 0);
        if (pos < 0) {
            throw new BadArgument("multipart/form-data body does not contain its boundary.");
        }
        byte[] next = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        while (true) {
            int afterDelimiter = pos + delimiter.length;
            if (afterDelimiter + 2 <= data.limit() && data.get(afterDelimiter) == '-' && data.get(afterDelimiter + 1) == '-') {
                break; // closing delimiter
            }
            int headersStart = afterDelimiter + 2; // skip CRLF
            int headersEnd = indexOf(data, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1), headersStart);
            if (headersEnd < 0) {
                throw new BadArgument("multipart/form-data part without a blank line after its headers.");
            }
            int contentStart = headersEnd + 4;
            int contentEnd = indexOf(data, next, contentStart);
            if (contentEnd < 0) {
                throw new BadArgument("multipart/form-data body ends before its closing boundary.");
            }
            String headers = ascii(data, headersStart, headersEnd);
            String disposition = header(headers, "content-disposition").orElse("");
            ByteBuffer content = data.duplicate().position(contentStart).limit(contentEnd).slice();
            parts.add(new Part(parameter(disposition, "name").orElse(""), parameter(disposition, "filename").orElse(null),
                    header(headers, "content-type").orElse(null), content));
            pos = contentEnd + 2;
        }
        return new MultipartBody(List.copyOf(parts));
    }

    private static String ascii(ByteBuffer data, int from, int to) {
        byte[] b = new byte[to - from];
        data.duplicate().position(from).get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static Optional<String> header(String headers, String name) {
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                return Optional.of(line.substring(colon + 1).trim());
            }
        }
        return Optional.empty();
    }

    static Optional<String> parameter(String headerValue, String name) {
        for (String piece : headerValue.split(";")) {
            String p = piece.trim();
            int eq = p.indexOf('=');
            if (eq > 0 && p.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals(name)) {
                String v = p.substring(eq + 1).trim();
                if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                    v = v.substring(1, v.length() - 1);
                }
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    private static int indexOf(ByteBuffer data, byte[] needle, int from) {
        int last = data.limit() - needle.length;
        byte first = needle[0];
        outer:
        for (int i = from; i <= last; i++) {
            if (data.get(i) != first) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (data.get(i + j) != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
