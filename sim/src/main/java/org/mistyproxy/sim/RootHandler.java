package org.mistyproxy.sim;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.Locale;

/** Routes /_sim to the inspection API, /pubsub to the WebSocket, everything else to the robot API. */
final class RootHandler implements HttpHandler {
    private final HttpHandler inspection;
    private final HttpHandler pubsub;
    private final HttpHandler api;

    RootHandler(HttpHandler inspection, HttpHandler pubsub, HttpHandler api) {
        this.inspection = inspection;
        this.pubsub = pubsub;
        this.api = api;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        String raw = exchange.getRequestURI();
        if (raw.startsWith("/_sim/") || raw.equals("/_sim")) {
            inspection.handleRequest(exchange);
            return;
        }
        String path = RawPath.decodeAndResolve(raw).toLowerCase(Locale.ROOT);
        if (path.equals("/pubsub") || path.equals("/pubsub/")) {
            pubsub.handleRequest(exchange);
        } else {
            api.handleRequest(exchange);
        }
    }
}
