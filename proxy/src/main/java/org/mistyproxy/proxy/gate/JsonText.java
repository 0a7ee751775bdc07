package org.mistyproxy.proxy.gate;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.undertow.io.IoCallback;
import io.undertow.io.Sender;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.xnio.IoUtils;

/** What the three envelope writers share: quoting a JSON string and sending a small JSON body. */
final class JsonText {
    private JsonText() {}

    static String quote(String s) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
    }

    static void send(HttpServerExchange exchange, int status, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, body.length);
        exchange.getResponseSender().send(ByteBuffer.wrap(body));
    }

    /**
     * Sends, then closes the connection without reading the rest of the request body: ending the
     * exchange the usual way would first drain that body, and a client that stalls mid-body would
     * then never see the answer.
     */
    static void sendThenClose(HttpServerExchange exchange, int status, String json) {
        if (exchange.isResponseStarted()) {
            IoUtils.safeClose(exchange.getConnection());
            return;
        }
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.setStatusCode(status);
        exchange.setPersistent(false); // "Connection: close"
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, body.length);
        exchange.getResponseSender().send(ByteBuffer.wrap(body), new IoCallback() {
            @Override
            public void onComplete(HttpServerExchange ex, Sender sender) {
                IoUtils.safeClose(ex.getConnection());
            }

            @Override
            public void onException(HttpServerExchange ex, Sender sender, IOException e) {
                IoUtils.safeClose(ex.getConnection());
            }
        });
    }
}
