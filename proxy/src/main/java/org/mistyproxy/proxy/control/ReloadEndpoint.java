package org.mistyproxy.proxy.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.nio.ByteBuffer;
import org.mistyproxy.config.Role;
import org.mistyproxy.config.User;
import org.mistyproxy.proxy.access.Grant;
import org.mistyproxy.proxy.access.UserGrant;
import org.mistyproxy.proxy.front.RequestPath;
import org.mistyproxy.proxy.gate.ControlEnvelope;

/**
 * {@code POST /reload}, mistyproxy's own control route (not in the rerobots contract): owners only;
 * 200 with what changed ({@link ReloadOutcome#json}), or 400 with every error while the running
 * configuration stays. A link just before {@link ControlEndpoint}, after the caller was
 * authenticated; any other path goes on to the rerobots API. The reload reads files, so it runs on
 * a worker thread.
 */
public final class ReloadEndpoint implements HttpHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConfigReloader reloader;
    private final HttpHandler next;

    public ReloadEndpoint(ConfigReloader reloader, HttpHandler next) {
        this.reloader = reloader;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange ex) throws Exception {
        if (!RequestPath.attached(ex).raw().equals("/reload")) {
            next.handleRequest(ex);
            return;
        }
        if (ex.isInIoThread()) {
            ex.dispatch(this);
            return;
        }
        User user = Grant.of(ex, UserGrant.class).user();
        if (!ex.getRequestMethod().toString().equals("POST")) {
            ex.getResponseHeaders().put(Headers.ALLOW, "POST");
            ControlEnvelope.send(ex, 405, "method " + ex.getRequestMethod() + " not allowed here; use POST");
            return;
        }
        if (user.role() != Role.OWNER) {
            ControlEnvelope.send(ex, 403, "only an owner may reload the configuration");
            return;
        }
        ReloadOutcome o = reloader.reload("user " + user.name());
        ex.setStatusCode(o.applied() ? 200 : 400);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        ex.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        ex.getResponseSender().send(ByteBuffer.wrap(JSON.writeValueAsBytes(o.json())));
    }
}
