package org.mistyproxy.proxy.access;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;

/**
 * What the front door learned about who may do what, attached to the exchange once by the route
 * handler that authenticated it ({@code front.ProxyUrls}, {@code front.CamUrls},
 * {@code front.ControlRoute}). Everything after reads the grant; nothing re-parses the path or
 * re-resolves a token. An admission link (access rules, quotas, motion leases) reads it too.
 */
public sealed interface Grant permits ProxyGrant, FeedGrant, UserGrant, AnonymousGrant {

    /** Where the grant of a request is kept. */
    AttachmentKey<Grant> KEY = AttachmentKey.create(Grant.class);

    /** The grant of {@code type} attached to {@code exchange}; a missing one is a wiring mistake. */
    static <G extends Grant> G of(HttpServerExchange exchange, Class<G> type) {
        Grant g = exchange.getAttachment(KEY);
        if (!type.isInstance(g)) {
            throw new IllegalStateException("no " + type.getSimpleName() + " on this exchange (found " + g + ")");
        }
        return type.cast(g);
    }
}
