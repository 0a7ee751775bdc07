package org.mistyproxy.proxy.front;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.util.List;
import java.util.Optional;
import org.mistyproxy.proxy.access.AnonymousGrant;
import org.mistyproxy.proxy.access.CurrentConfig;
import org.mistyproxy.proxy.access.Grant;
import org.mistyproxy.proxy.access.UserGrant;
import org.mistyproxy.proxy.control.ControlApi;
import org.mistyproxy.proxy.gate.ControlEnvelope;

/**
 * The control-API route handler: {@code Authorization: Bearer} must name a user (else 401
 * {@code wrong authorization token}); the {@link UserGrant} is attached and the next link runs
 * (the control admission links, then {@code control.ControlEndpoint}). A request with no
 * {@code Authorization} header at all to a read that answers anyone
 * ({@link ControlApi#answersAnonymously}) gets an {@link AnonymousGrant} and goes straight to
 * {@code anonymousReads} (the endpoint): admission links act on users and never see it.
 */
public final class ControlRoute implements HttpHandler {
    private final CurrentConfig config;
    private final HttpHandler next;
    private final HttpHandler anonymousReads;

    public ControlRoute(CurrentConfig config, HttpHandler next, HttpHandler anonymousReads) {
        this.config = config;
        this.next = next;
        this.anonymousReads = anonymousReads;
    }

    @Override
    public void handleRequest(HttpServerExchange ex) throws Exception {
        RequestPath path = RequestPath.attached(ex);
        List<String> seg = path.segments();
        // POST /revoke/{sha256}: the hash names an API token; log only its first 8 digits, like tok:<8 hex>
        AccessLog.tag(ex, "control", seg.get(0).equals("revoke") && seg.size() == 2 && seg.get(1).length() > 8
                ? "/revoke/tok:" + seg.get(1).substring(0, 8) : path.raw());
        String authorization = ex.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
        if (authorization == null && ControlApi.answersAnonymously(seg)) {
            ex.putAttachment(Grant.KEY, new AnonymousGrant());
            anonymousReads.handleRequest(ex);
            return;
        }
        Optional<UserGrant> grant = config.get().users().grant(authorization);
        if (grant.isEmpty()) {
            ControlEnvelope.send(ex, 401, "wrong authorization token");
            return;
        }
        ex.putAttachment(Grant.KEY, grant.get());
        next.handleRequest(ex);
    }
}
