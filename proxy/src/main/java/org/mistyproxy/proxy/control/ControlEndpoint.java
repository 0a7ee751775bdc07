package org.mistyproxy.proxy.control;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.Optional;
import org.mistyproxy.config.User;
import org.mistyproxy.proxy.access.AnonymousGrant;
import org.mistyproxy.proxy.access.Grant;
import org.mistyproxy.proxy.access.UserGrant;
import org.mistyproxy.proxy.front.RequestPath;

/**
 * The last link on a control-API path: moves to a worker thread (the API may write the journal)
 * and answers for the user of the {@link UserGrant}, or anonymously for an {@link AnonymousGrant}.
 */
public final class ControlEndpoint implements HttpHandler {
    private final ControlApi api;

    public ControlEndpoint(ControlApi api) {
        this.api = api;
    }

    @Override
    public void handleRequest(HttpServerExchange ex) throws Exception {
        if (ex.isInIoThread()) {
            ex.dispatch(() -> {
                try {
                    answer(ex);
                } catch (Exception e) {
                    ex.setStatusCode(500);
                    ex.endExchange();
                }
            });
            return;
        }
        answer(ex);
    }

    private void answer(HttpServerExchange ex) throws Exception {
        Grant g = ex.getAttachment(Grant.KEY);
        Optional<User> caller = g instanceof AnonymousGrant ? Optional.empty() : Optional.of(Grant.of(ex, UserGrant.class).user());
        api.handle(ex, RequestPath.attached(ex).segments(), caller);
    }
}
