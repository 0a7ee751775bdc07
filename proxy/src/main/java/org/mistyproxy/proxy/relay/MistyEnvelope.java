package org.mistyproxy.proxy.relay;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Misty's own error shape, {@code {"status": "Failed", "error": "..."}}, so robot clients show our reasons. */
final class MistyEnvelope {
    private MistyEnvelope() {}

    static byte[] json(String error) {
        char[] quoted = JsonStringEncoder.getInstance().quoteAsString(error);
        return ("{\"status\":\"Failed\",\"error\":\"" + new String(quoted) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    /** Sends the envelope and ends the exchange; the caller has set any extra headers already. */
    static void send(HttpServerExchange exchange, int status, String error) {
        byte[] body = json(error);
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, body.length);
        exchange.getResponseSender().send(ByteBuffer.wrap(body));
    }
}
