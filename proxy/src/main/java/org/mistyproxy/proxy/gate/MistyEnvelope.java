package org.mistyproxy.proxy.gate;

import io.undertow.server.HttpServerExchange;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The one writer of Misty's own error shape, {@code {"status": "Failed", "error": "..."}}, for
 * every answer the proxy itself gives on a proxy URL (unknown token, refusals, 413, 429, 502,
 * 504, refused upgrades), so robot clients show our reasons. Every such answer carries the CORS
 * headers the deployment allows, so a web page reads the reason instead of a CORS failure.
 */
public final class MistyEnvelope {
    private MistyEnvelope() {}

    public static byte[] json(String error) {
        return body(error).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Sends the envelope with the CORS headers {@code corsOrigins} allow and ends the exchange;
     * headers the caller set already (e.g. {@code Sec-WebSocket-Version}) are kept.
     */
    public static void send(HttpServerExchange exchange, List<String> corsOrigins, int status, String error) {
        OriginGate.decorate(exchange, corsOrigins);
        JsonText.send(exchange, status, body(error));
    }

    /**
     * As {@link #send}, then closes the connection without reading the rest of the request body
     * (a client that stalled mid-body: 408).
     */
    public static void sendThenClose(HttpServerExchange exchange, List<String> corsOrigins, int status, String error) {
        OriginGate.decorate(exchange, corsOrigins);
        JsonText.sendThenClose(exchange, status, body(error));
    }

    private static String body(String error) {
        return "{\"status\":\"Failed\",\"error\":" + JsonText.quote(error) + "}";
    }
}
