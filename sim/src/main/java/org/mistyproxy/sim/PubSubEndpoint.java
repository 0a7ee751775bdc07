package org.mistyproxy.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.undertow.Handlers;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.websockets.WebSocketProtocolHandshakeHandler;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedBinaryMessage;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.nio.ByteBuffer;
import org.xnio.Pooled;

/**
 * The /pubsub WebSocket: records the handshake as an HTTP request, applies the latency fault,
 * upgrades, and hands each text message to the {@link EventStream}.
 */
final class PubSubEndpoint implements HttpHandler {
    private final EventStream events;
    private final RequestLog log;
    private final Faults faults;
    private final WebSocketProtocolHandshakeHandler upgrade;

    PubSubEndpoint(EventStream events, RequestLog log, Faults faults, ObjectMapper json) {
        this.events = events;
        this.log = log;
        this.faults = faults;
        this.upgrade = Handlers.websocket((exchange, channel) -> {
            String uri = exchange.getRequestURI();
            int q = uri.indexOf('?');
            String path = q < 0 ? uri : uri.substring(0, q);
            String query = q < 0 || q == uri.length() - 1 ? null : uri.substring(q + 1);
            open(new PubSubConnection(channel, path, query), channel);
        }, notAnUpgrade(json));
    }

    private static HttpHandler notAnUpgrade(ObjectMapper json) {
        return exchange -> {
            exchange.setStatusCode(400);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
            exchange.getResponseSender().send(json.createObjectNode()
                    .put("error", "/pubsub is a WebSocket; send an upgrade request.").put("status", "Failed").toString());
        };
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        if (exchange.isInIoThread()) {
            exchange.dispatch(this);
            return;
        }
        log.add(Recording.http(exchange, RequestBody.empty()));
        if (faults.latencyMs() > 0) {
            Thread.sleep(faults.latencyMs());
        }
        int status = faults.failStatus();
        if (status != 0) {
            exchange.setStatusCode(status);
            exchange.endExchange();
            return;
        }
        upgrade.handleRequest(exchange);
    }

    private void open(PubSubConnection connection, WebSocketChannel channel) {
        events.connected(connection);
        channel.getReceiveSetter().set(new AbstractReceiveListener() {
            @Override
            protected void onFullTextMessage(WebSocketChannel ch, BufferedTextMessage message) {
                events.onText(connection, message.getData());
            }

            @Override
            @SuppressWarnings("deprecation") // BufferedBinaryMessage only hands out xnio's Pooled
            protected void onFullBinaryMessage(WebSocketChannel ch, BufferedBinaryMessage message) {
                try (Pooled<ByteBuffer[]> data = message.getData()) {
                    ByteBuffer merged = WebSockets.mergeBuffers(data.getResource());
                    byte[] bytes = new byte[merged.remaining()];
                    merged.get(bytes);
                    events.onBinary(connection, bytes);
                }
            }
        });
        channel.addCloseTask(ch -> events.disconnected(connection));
        channel.resumeReceives();
    }
}
