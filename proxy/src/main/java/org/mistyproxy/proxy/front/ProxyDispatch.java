package org.mistyproxy.proxy.front;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import org.mistyproxy.proxy.access.Grant;
import org.mistyproxy.proxy.access.ProxyGrant;

/**
 * The last link on a proxy URL: a WebSocket upgrade of {@code /pubsub} goes to the WebSocket
 * relay, everything else to the HTTP relay. Both read the {@link ProxyGrant}.
 */
public final class ProxyDispatch implements HttpHandler {
    private final ProxiedRequestHandler relay;
    private final ProxiedRequestHandler pubsub;

    public ProxyDispatch(ProxiedRequestHandler relay, ProxiedRequestHandler pubsub) {
        this.relay = relay;
        this.pubsub = pubsub;
    }

    @Override
    public void handleRequest(HttpServerExchange ex) throws Exception {
        ProxyGrant g = Grant.of(ex, ProxyGrant.class);
        String upgrade = ex.getRequestHeaders().getFirst(Headers.UPGRADE);
        if (upgrade != null && upgrade.equalsIgnoreCase("websocket") && g.rawPath().equalsIgnoreCase("/pubsub")) {
            pubsub.handle(ex, g);
        } else {
            relay.handle(ex, g);
        }
    }
}
