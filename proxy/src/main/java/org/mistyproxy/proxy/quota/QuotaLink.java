package org.mistyproxy.proxy.quota;

import io.undertow.server.HandlerWrapper;
import io.undertow.server.HttpHandler;
import io.undertow.util.Headers;
import org.mistyproxy.proxy.access.Grant;
import org.mistyproxy.proxy.access.ProxyGrant;

/**
 * The per-instance quotas as an admission link on proxy URLs ({@code proxyAdmission} in
 * {@code ProxyServer}): an HTTP request is admitted by {@link InstanceQuotas#admitHttp} or answered
 * there. A {@code /pubsub} upgrade passes: the WebSocket relay admits it with
 * {@link InstanceQuotas#admitSocket}, because the socket keeps its share ({@link SocketQuota}) for
 * as long as it is open.
 */
public final class QuotaLink implements HandlerWrapper {
    private final InstanceQuotas quotas;

    public QuotaLink(InstanceQuotas quotas) {
        this.quotas = quotas;
    }

    @Override
    public HttpHandler wrap(HttpHandler next) {
        return ex -> {
            ProxyGrant g = Grant.of(ex, ProxyGrant.class);
            String upgrade = ex.getRequestHeaders().getFirst(Headers.UPGRADE);
            boolean pubsub = upgrade != null && upgrade.equalsIgnoreCase("websocket") && g.rawPath().equalsIgnoreCase("/pubsub");
            if (pubsub || quotas.admitHttp(ex, g.target().instanceId(), g.target().deployment(), g.rawPath())) {
                next.handleRequest(ex);
            }
        };
    }
}
