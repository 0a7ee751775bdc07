package org.mistyproxy.proxy.front;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.mistyproxy.proxy.access.Grant;
import org.mistyproxy.proxy.access.ProxyGrant;
import org.mistyproxy.proxy.access.ProxyTarget;
import org.mistyproxy.proxy.access.ProxyToken;
import org.mistyproxy.proxy.gate.MistyEnvelope;
import org.mistyproxy.proxy.instances.Instances;

/**
 * The proxy-URL route handler: resolves the presented token (one hash, one table lookup, one
 * constant-time comparison) and attaches a {@link ProxyGrant}, or answers 404
 * {@code unknown or revoked proxy URL} in Misty's envelope. A live token under another
 * instance's long-form prefix is not found either.
 *
 * <p>The 404 carries CORS headers although no deployment is known: those of the origins any
 * deployment allows ({@link org.mistyproxy.proxy.gate.OriginGate#anyDeployment}), so a page
 * whose URL was revoked reads the 404 instead of a CORS failure.
 */
public final class ProxyUrls implements HttpHandler {
    private static final String NOT_FOUND = "unknown or revoked proxy URL";

    private final Instances instances;
    private final List<String> unknownTokenOrigins;
    private final HttpHandler next;

    /**
     * @param unknownTokenOrigins the CORS entries for the 404 of a token that resolves to nothing
     * @param next                the admission links, then the data planes
     */
    public ProxyUrls(Instances instances, List<String> unknownTokenOrigins, HttpHandler next) {
        this.instances = instances;
        this.unknownTokenOrigins = unknownTokenOrigins;
        this.next = next;
    }

    @Override
    public void handleRequest(HttpServerExchange ex) throws Exception {
        ProxyPath p = ex.getAttachment(ProxyPath.KEY);
        ProxyToken.Presented token = ProxyToken.Presented.of(p.token());
        ProxyTarget t = instances.addOns().resolveProxy(token);
        if (t != null && p.prefix() != null && !MessageDigest.isEqual(
                t.urlPrefix().getBytes(StandardCharsets.US_ASCII), p.prefix().getBytes(StandardCharsets.US_ASCII))) {
            t = null; // a live token under another instance's prefix is still not found
        }
        AccessLog.tag(ex, "proxy", "/" + token.logId() + (t == null ? "" : p.rest()));
        if (t == null) {
            MistyEnvelope.send(ex, unknownTokenOrigins, 404, NOT_FOUND);
            return;
        }
        ex.putAttachment(Grant.KEY, new ProxyGrant(t, p.rest(), token.logId()));
        next.handleRequest(ex);
    }
}
