package org.mistyproxy.proxy.ws;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.util.Locale;

/**
 * Checks that a request is an RFC 6455 upgrade before the robot is dialled. {@code Connection}
 * and {@code Upgrade} are token lists: browsers send {@code Connection: keep-alive, Upgrade}.
 */
final class UpgradeRequest {
    private UpgradeRequest() {}

    /** Null if the request is a valid version-13 upgrade, otherwise what is wrong with it. */
    static String problem(HttpServerExchange exchange) {
        if (!exchange.getRequestMethod().equals(Methods.GET)) {
            return "/pubsub takes a WebSocket upgrade (GET), not " + exchange.getRequestMethod();
        }
        if (!hasToken(exchange.getRequestHeaders().get(Headers.UPGRADE), "websocket")) {
            return "/pubsub takes a WebSocket upgrade: header 'Upgrade: websocket' is missing";
        }
        if (!hasToken(exchange.getRequestHeaders().get(Headers.CONNECTION), "upgrade")) {
            return "/pubsub takes a WebSocket upgrade: header 'Connection' does not list 'Upgrade'";
        }
        String key = exchange.getRequestHeaders().getFirst(Headers.SEC_WEB_SOCKET_KEY);
        if (key == null || key.isBlank()) {
            return "WebSocket upgrade without a Sec-WebSocket-Key header";
        }
        return null;
    }

    /** Whether Sec-WebSocket-Version is 13, the only version browsers and the robot speak. */
    static boolean version13(HttpServerExchange exchange) {
        return "13".equals(exchange.getRequestHeaders().getFirst(Headers.SEC_WEB_SOCKET_VERSION));
    }

    private static boolean hasToken(HeaderValues values, String token) {
        if (values == null) {
            return false;
        }
        for (String v : values) {
            for (String t : v.split(",")) {
                if (t.trim().toLowerCase(Locale.ROOT).equals(token)) {
                    return true;
                }
            }
        }
        return false;
    }
}
