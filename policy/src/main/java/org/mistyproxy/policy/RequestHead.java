package org.mistyproxy.policy;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the proxy knows about a request before reading its body.
 *
 * @param method        the HTTP method exactly as on the wire (methods are case-sensitive)
 * @param rawPath       the path as on the wire, still percent-encoded, after the proxy prefix is
 *                      stripped, e.g. {@code /api/drive}; no query string
 * @param rawQuery      the query string as on the wire without the {@code ?}, or {@code null}
 * @param headers       request headers, names in lower case
 * @param contentLength the declared body length; {@code 0} means no body, {@code -1} a body of
 *                      unknown length (chunked)
 */
public record RequestHead(
        String method, String rawPath, String rawQuery, Map<String, List<String>> headers, long contentLength) {

    public RequestHead {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(rawPath, "rawPath");
        headers = headers == null ? Map.of() : headers;
    }

    /** A request without headers and without a body, handy for tests and the CLI. */
    public static RequestHead of(String method, String rawPath, String rawQuery) {
        return new RequestHead(method, rawPath, rawQuery, Map.of(), 0);
    }

    /** The first value of a header (name in lower case), or {@code null}. */
    public String header(String lowerCaseName) {
        List<String> values = headers.get(lowerCaseName);
        return values == null || values.isEmpty() ? null : values.get(0);
    }
}
