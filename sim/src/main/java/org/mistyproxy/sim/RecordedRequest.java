package org.mistyproxy.sim;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One thing that reached the robot: an HTTP request ({@code kind = "http"}) or a WebSocket message
 * ({@code kind = "ws"}, method {@code TEXT} or {@code BINARY}, path the raw URI of the socket's
 * handshake). {@code path} and {@code query} are exactly the bytes on the wire (query without '?',
 * null when there was none). Header names are lower-case. {@code body} holds the body byte for byte
 * when it is at most {@link RequestLog#BODY_LIMIT} bytes, otherwise it is empty and
 * {@code bodyTruncated} is true; {@code bodySize} is always the real length.
 */
public record RecordedRequest(
        String kind,
        String method,
        String path,
        String query,
        Map<String, List<String>> headers,
        byte[] body,
        long bodySize,
        boolean bodyTruncated) {

    public RecordedRequest {
        TreeMap<String, List<String>> sorted = new TreeMap<>();
        headers.forEach((k, v) -> sorted.put(k, List.copyOf(v)));
        headers = Collections.unmodifiableMap(sorted);
        body = body.clone();
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    /** The body as UTF-8 text, or empty when it is not valid UTF-8 (binary uploads). */
    public Optional<String> bodyText() {
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** The body as it appears in {@code GET /_sim/requests}: text, or base64 when binary. */
    String bodyForJson() {
        return bodyText().orElseGet(() -> Base64.getEncoder().encodeToString(body));
    }

    String bodyEncoding() {
        return bodyText().isPresent() ? "utf-8" : "base64";
    }

    /** The raw target: path plus '?query' when there was a query. */
    public String target() {
        return query == null ? path : path + "?" + query;
    }

    @Override
    public String toString() {
        return kind + " " + method + " " + target() + " (" + bodySize + " body bytes)";
    }
}
