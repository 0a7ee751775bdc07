package org.mistyproxy.proxy.front;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/** {@code GET /healthz}: {@code {"status":"ok"}} while the server takes requests. */
public final class HealthCheck implements HttpHandler {
    @Override
    public void handleRequest(HttpServerExchange ex) {
        AccessLog.tag(ex, "healthz", "/healthz");
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        ex.getResponseSender().send("{\"status\":\"ok\"}");
    }
}
