package org.mistyproxy.proxy.front;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.Set;
import org.mistyproxy.proxy.gate.ControlEnvelope;

/**
 * Route by path, the one place that decides who answers a request. It splits the raw path once
 * ({@link RequestPath}), recognises the route, attaches what the route handler needs, and hands
 * over:
 * <ul>
 *   <li>{@code /healthz}, {@code /metrics};</li>
 *   <li>{@code /addon/cam/{iid}/{camera}/{action}[/{feed token}]} ({@link CamPath}): the camera URLs;</li>
 *   <li>the control API's first segments ({@link #CONTROL_ROOTS}): the control API;</li>
 *   <li>{@code /{token}/...} and {@code /{sha256 hex of iid}/mistyproxy/{token}/...}
 *       ({@link ProxyPath}): proxy URLs;</li>
 *   <li>anything else: 404 in the control API's envelope.</li>
 * </ul>
 * Runs on the IO thread and reads no token: the route handlers authenticate.
 */
public final class Router implements HttpHandler {
    /** The first path segments of the control API (the rerobots contract's paths, and the owner's {@code reload}). */
    static final Set<String> CONTROL_ROOTS =
            Set.of("workspaces", "deployments", "deployment", "new", "instances", "instance", "terminate", "addon",
                    "reload", "rules", "reservations", "reservation", "queuelen", "revoke", "purge");

    private final HttpHandler health;
    private final HttpHandler metrics;
    private final HttpHandler cam;
    private final HttpHandler control;
    private final HttpHandler proxy;

    public Router(HttpHandler health, HttpHandler metrics, HttpHandler cam, HttpHandler control, HttpHandler proxy) {
        this.health = health;
        this.metrics = metrics;
        this.cam = cam;
        this.control = control;
        this.proxy = proxy;
    }

    @Override
    public void handleRequest(HttpServerExchange ex) throws Exception {
        RequestPath path = RequestPath.of(ex);
        ex.putAttachment(RequestPath.KEY, path);
        if (path.raw().equals("/healthz")) {
            health.handleRequest(ex);
            return;
        }
        if (path.raw().equals("/metrics")) {
            metrics.handleRequest(ex);
            return;
        }
        CamPath camPath = CamPath.parse(path);
        if (camPath != null) {
            ex.putAttachment(CamPath.KEY, camPath);
            cam.handleRequest(ex);
            return;
        }
        if (CONTROL_ROOTS.contains(path.first())) {
            control.handleRequest(ex);
            return;
        }
        ProxyPath proxyPath = ProxyPath.parse(path);
        if (proxyPath != null) {
            ex.putAttachment(ProxyPath.KEY, proxyPath);
            proxy.handleRequest(ex);
            return;
        }
        AccessLog.tag(ex, "unknown", "-");
        ControlEnvelope.send(ex, 404, "not found");
    }
}
