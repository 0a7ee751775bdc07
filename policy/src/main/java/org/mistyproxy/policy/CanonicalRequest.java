package org.mistyproxy.policy;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * The request the policy decided on, in the one form the relay forwards: nothing about it is
 * left for the robot to interpret differently.
 *
 * @param method      the HTTP method
 * @param path        the canonical path, percent-encoded for the wire, lower case, e.g.
 *                    {@code /api/drive/time}
 * @param query       the canonical query string, percent-encoded for the wire, without {@code ?};
 *                    {@code ""} if there is none
 * @param body        the bytes to send as the body: a strict re-serialisation of the JSON the client
 *                    sent, or (for rules with {@code raw_body: true} and a chunked upload) the raw
 *                    bytes as read. Empty means no body, or a raw body the relay streams unread
 *                    (then {@link #streamBody()} is true)
 * @param streamBody  true when the relay must stream the client's (non-JSON) body through unread,
 *                    with the client's Content-Length, which the policy has checked against the
 *                    rule's size cap
 * @param contentType the Content-Type to send upstream, or {@code null} when there is no body
 */
public record CanonicalRequest(
        String method, String path, String query, Optional<byte[]> body, boolean streamBody, String contentType) {

    public CanonicalRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        query = query == null ? "" : query;
        body = body == null ? Optional.empty() : body;
    }

    /** Path and query as they go on the request line, e.g. {@code /api/drive?x=1}. */
    public String target() {
        return query.isEmpty() ? path : path + "?" + query;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(method).append(' ').append(target());
        if (streamBody) {
            s.append(" [raw body streamed unread, ").append(contentType).append(']');
        } else if (body.isPresent()) {
            s.append(' ').append(new String(body.get(), StandardCharsets.UTF_8));
        }
        return s.toString();
    }
}
