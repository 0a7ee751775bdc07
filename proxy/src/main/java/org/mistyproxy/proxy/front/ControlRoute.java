package org.mistyproxy.proxy.front;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.util.Optional;
import org.mistyproxy.config.User;
import org.mistyproxy.proxy.access.CurrentConfig;
import org.mistyproxy.proxy.access.Grant;
import org.mistyproxy.proxy.access.UserGrant;
import org.mistyproxy.proxy.gate.ControlEnvelope;

/**
 * The control-API route handler: {@code Authorization: Bearer} must name a user (else 401
 * {@code wrong authorization token}); the {@link UserGrant} is attached and the next link runs
 * (the control admission links, then {@code control.ControlEndpoint}).
 */
public final class ControlRoute implements HttpHandler {
    private final CurrentConfig config;
    private final HttpHandler next;

    public ControlRoute(CurrentConfig config, HttpHandler next) {
        this.config = config;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange ex) throws Exception {
        AccessLog.tag(ex, "control", RequestPath.attached(ex).raw());
        Optional<User> user = config.get().users().authenticate(ex.getRequestHeaders().getFirst(Headers.AUTHORIZATION));
        if (user.isEmpty()) {
            ControlEnvelope.send(ex, 401, "wrong authorization token");
            return;
        }
        ex.putAttachment(Grant.KEY, new UserGrant(user.get()));
        next.handleRequest(ex);
    }
}
