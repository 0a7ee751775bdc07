package org.mistyproxy.proxy.relay;

import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.util.HashSet;
import java.util.Set;
import org.mistyproxy.proxy.gate.OriginGate;

/**
 * Which headers cross the proxy. Hop-by-hop headers (RFC 9110 7.6.1), and any header the
 * {@code Connection} header names, stop here; so do headers the relay sets itself (Host, the
 * framing headers, X-Forwarded-*) and, towards the robot, {@code Expect} (the proxy answers 100
 * itself). Robot CORS headers are replaced by the deployment's. {@code Content-Encoding} never
 * crosses towards the robot: the policy refuses a body with any coding but identity, and the body
 * the relay sends is the canonical one it checked, which no header may describe otherwise.
 */
final class HopHeaders {
    private static final Set<HttpString> REQUEST_DROPPED = Set.of(
            Headers.CONNECTION, Headers.KEEP_ALIVE, Headers.PROXY_AUTHORIZATION, Headers.PROXY_AUTHENTICATE,
            Headers.TE, Headers.TRAILER, Headers.TRANSFER_ENCODING, Headers.UPGRADE, Headers.HOST,
            Headers.CONTENT_LENGTH, Headers.CONTENT_TYPE, Headers.CONTENT_ENCODING, Headers.EXPECT, Headers.FORWARDED, Headers.X_FORWARDED_FOR,
            Headers.X_FORWARDED_PROTO, Headers.X_FORWARDED_HOST, Headers.X_FORWARDED_PORT, Headers.X_FORWARDED_SERVER,
            new HttpString("Proxy-Connection"));
    private static final Set<HttpString> RESPONSE_DROPPED = responseDropped();

    private HopHeaders() {}

    private static Set<HttpString> responseDropped() {
        Set<HttpString> s = new HashSet<>(Set.of(
                Headers.CONNECTION, Headers.KEEP_ALIVE, Headers.PROXY_AUTHENTICATE, Headers.PROXY_AUTHORIZATION,
                Headers.TE, Headers.TRAILER, Headers.TRANSFER_ENCODING, Headers.UPGRADE,
                new HttpString("Proxy-Connection")));
        s.addAll(OriginGate.RESPONSE_HEADERS);
        return Set.copyOf(s);
    }

    /** Copies end-to-end request headers; the caller sets Host, framing and X-Forwarded-*. */
    static void copyRequest(HeaderMap from, HeaderMap to) {
        HeaderValues connection = from.get(Headers.CONNECTION);
        for (HeaderValues v : from) {
            HttpString name = v.getHeaderName();
            if (!REQUEST_DROPPED.contains(name) && !named(connection, name)) {
                to.putAll(name, v);
            }
        }
    }

    /** Copies end-to-end response headers, including Content-Length unless the body will change. */
    static void copyResponse(HeaderMap from, HeaderMap to, boolean keepLength) {
        HeaderValues connection = from.get(Headers.CONNECTION);
        for (HeaderValues v : from) {
            HttpString name = v.getHeaderName();
            if (!RESPONSE_DROPPED.contains(name) && !named(connection, name)
                    && (keepLength || !Headers.CONTENT_LENGTH.equals(name))) {
                to.putAll(name, v);
            }
        }
    }

    /** Whether the Connection header lists this name (e.g. {@code Connection: close, X-Secret}). */
    private static boolean named(HeaderValues connection, HttpString name) {
        if (connection == null) {
            return false;
        }
        for (String value : connection) {
            int start = 0;
            while (start < value.length()) {
                int comma = value.indexOf(',', start);
                int end = comma < 0 ? value.length() : comma;
                String token = value.substring(start, end).trim();
                if (!token.isEmpty() && name.equalToString(token)) {
                    return true;
                }
                start = end + 1;
            }
        }
        return false;
    }
}
