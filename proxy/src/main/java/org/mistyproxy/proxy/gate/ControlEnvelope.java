package org.mistyproxy.proxy.gate;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/**
 * The one writer of the control API's error shape, {@code {"error_message": "..."}} (the rerobots
 * contract), used by the control API and by the front door for the routes it refuses before the
 * API is reached (an unknown path, a wrong Bearer token on a camera URL).
 */
public final class ControlEnvelope {
    private ControlEnvelope() {}

    /** {@code {"error_message": message}}. */
    public static void send(HttpServerExchange exchange, int status, String message) {
        send(exchange, status, message, false);
    }

    /**
     * @param withResult also {@code result_message} (what the rerobots client reads on {@code /new}
     *                   and {@code /terminate}), before {@code error_message}
     */
    public static void send(HttpServerExchange exchange, int status, String message, boolean withResult) {
        String m = JsonText.quote(message);
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        JsonText.send(exchange, status, withResult
                ? "{\"result_message\":" + m + ",\"error_message\":" + m + "}"
                : "{\"error_message\":" + m + "}");
    }

    /**
     * {@code {"error_message": message}}, then the connection is closed without reading the rest
     * of the request body (too large, or stalled: 413, 408).
     */
    public static void sendThenClose(HttpServerExchange exchange, int status, String message) {
        exchange.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        JsonText.sendThenClose(exchange, status, "{\"error_message\":" + JsonText.quote(message) + "}");
    }
}
