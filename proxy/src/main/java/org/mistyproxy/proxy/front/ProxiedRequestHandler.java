package org.mistyproxy.proxy.front;

import io.undertow.server.HttpServerExchange;
import org.mistyproxy.proxy.access.ProxyTarget;

/**
 * Serves one request that arrived on a live proxy URL, after the server has resolved the token.
 * The relay (HTTP) and the WebSocket relay ({@code /pubsub} upgrades) implement this.
 *
 * <p>Called on an Undertow IO thread: dispatch before blocking.
 */
@FunctionalInterface
public interface ProxiedRequestHandler {

    /**
     * @param exchange the request; {@code exchange.getQueryString()} is the raw query (no '?')
     * @param target   who holds the token and which robot it reaches
     * @param rawPath  the path after the proxy prefix, exactly as on the wire (not decoded), always
     *                 beginning with {@code /}, without the query, e.g. {@code /api/device}
     */
    void handle(HttpServerExchange exchange, ProxyTarget target, String rawPath) throws Exception;
}
