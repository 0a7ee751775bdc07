package org.mistyproxy.proxy.gate;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.websockets.WebSocketConnectionCallback;
import io.undertow.websockets.WebSocketProtocolHandshakeHandler;

/**
 * The server side of every WebSocket upgrade mistyproxy answers ({@code /pubsub} and camera feeds):
 * Undertow's RFC 6455 handshake, without {@code Sec-WebSocket-Location}. Undertow's handshake
 * echoes the whole request URL there (a capability token, and a {@code Host} the client chose), a
 * header of the old hixie drafts that no client needs; a 101 must not repeat a secret.
 */
public final class WebSocketHandshake {
    private final WebSocketProtocolHandshakeHandler handshake;

    /** @param onConnect runs once the client's handshake is done */
    public WebSocketHandshake(WebSocketConnectionCallback onConnect) {
        this.handshake = new WebSocketProtocolHandshakeHandler(onConnect);
    }

    /** @param notUpgrade answers a request that is not a WebSocket upgrade */
    public WebSocketHandshake(WebSocketConnectionCallback onConnect, HttpHandler notUpgrade) {
        this.handshake = new WebSocketProtocolHandshakeHandler(onConnect, notUpgrade);
    }

    /** Answers the upgrade (101) or hands the request to {@code notUpgrade}. */
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        exchange.addResponseCommitListener(ex -> ex.getResponseHeaders().remove(Headers.SEC_WEB_SOCKET_LOCATION));
        handshake.handleRequest(exchange);
    }
}
