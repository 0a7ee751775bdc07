package org.mistyproxy.proxy.front;

import io.undertow.server.HttpServerExchange;
import org.mistyproxy.proxy.access.ProxyGrant;

/**
 * Serves one request that arrived on a live proxy URL and passed the admission links. The relay
 * (HTTP) and the WebSocket relay ({@code /pubsub} upgrades) are wired in as these.
 *
 * <p>Called on an Undertow IO thread: dispatch before blocking.
 */
@FunctionalInterface
public interface ProxiedRequestHandler {

    /**
     * @param exchange the request; {@code exchange.getQueryString()} is the raw query (no '?')
     * @param grant    who holds the token, which robot it reaches, and the raw path after the prefix
     */
    void handle(HttpServerExchange exchange, ProxyGrant grant) throws Exception;
}
