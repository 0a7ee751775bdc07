package org.mistyproxy.proxy.gate;

import io.undertow.server.HttpServerExchange;
import java.nio.charset.StandardCharsets;

/**
 * The one writer of the camera endpoints' error shape, {@code {"success": false, "message": "..."}}
 * (what rerobots camera clients read), with {@code error_message} as well, because the rerobots
 * client reports that field for any failed call.
 */
public final class CameraEnvelope {
    private CameraEnvelope() {}

    public static void send(HttpServerExchange exchange, int status, String message) {
        JsonText.send(exchange, status, body(message));
    }

    /** The body alone, for a snapshot failure answered with 200 (the rerobots client reads the payload only then). */
    public static byte[] json(String message) {
        return body(message).getBytes(StandardCharsets.UTF_8);
    }

    private static String body(String message) {
        String m = JsonText.quote(message);
        return "{\"success\":false,\"message\":" + m + ",\"error_message\":" + m + "}";
    }
}
