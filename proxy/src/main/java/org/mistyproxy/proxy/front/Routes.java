package org.mistyproxy.proxy.front;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import org.mistyproxy.config.User;
import org.mistyproxy.proxy.access.ApiUsers;
import org.mistyproxy.proxy.access.CamTarget;
import org.mistyproxy.proxy.access.ProxyTarget;
import org.mistyproxy.proxy.access.ProxyToken;
import org.mistyproxy.proxy.control.ApiError;
import org.mistyproxy.proxy.control.ControlApi;
import org.mistyproxy.proxy.instances.Instances;

/**
 * The one place that decides who answers a request:
 * <ul>
 *   <li>{@code /healthz}, {@code /metrics};</li>
 *   <li>{@code /addon/cam/{iid}/{camera}/...}: the camera data plane, after access checks;</li>
 *   <li>control API paths: {@link ControlApi} on a worker thread;</li>
 *   <li>{@code /{token}/...} and {@code /{sha256 hex of iid}/mistyproxy/{token}/...}: the token is
 *       resolved and the request handed to the relay (or, for a {@code /pubsub} upgrade, the
 *       WebSocket relay) with the rest of the raw path;</li>
 *   <li>anything else, or a token that is unknown or revoked: 404.</li>
 * </ul>
 * Runs on the IO thread; only the control API dispatches.
 */
public final class Routes implements HttpHandler {
    private static final byte[] PROXY_NOT_FOUND =
            "{\"status\":\"Failed\",\"error\":\"unknown or revoked proxy URL\"}".getBytes(StandardCharsets.UTF_8);
    private static final HttpString UPGRADE = Headers.UPGRADE;

    private final Instances instances;
    private final ApiUsers users;
    private final ControlApi control;
    private final ProxiedRequestHandler relay;
    private final ProxiedRequestHandler pubsub;
    private final CamRequestHandler camData;
    private final PrometheusMeterRegistry metrics;

    public Routes(Instances instances, ApiUsers users, ControlApi control, ProxiedRequestHandler relay,
            ProxiedRequestHandler pubsub, CamRequestHandler camData, PrometheusMeterRegistry metrics) {
        this.instances = instances;
        this.users = users;
        this.control = control;
        this.relay = relay;
        this.pubsub = pubsub;
        this.camData = camData;
        this.metrics = metrics;
    }

    @Override
    public void handleRequest(HttpServerExchange ex) throws Exception {
        String raw = rawPath(ex);
        if (raw.equals("/healthz")) {
            tag(ex, "healthz", raw);
            send(ex, 200, "application/json", "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        if (raw.equals("/metrics")) {
            tag(ex, "metrics", raw);
            send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape().getBytes(StandardCharsets.UTF_8));
            return;
        }
        List<String> seg = segments(raw);
        String first = seg.get(0);
        if (first.equals("addon") && seg.size() >= 5 && seg.get(1).equals("cam")) {
            camera(ex, seg);
            return;
        }
        if (ControlApi.owns(first)) {
            tag(ex, "control", raw);
            if (ex.isInIoThread()) {
                ex.dispatch(() -> {
                    try {
                        control.handle(ex, seg);
                    } catch (Exception e) {
                        ex.setStatusCode(500);
                        ex.endExchange();
                    }
                });
                return;
            }
            control.handle(ex, seg);
            return;
        }
        if (ProxyToken.looksLikeToken(first)) {
            ProxyToken.Presented token = ProxyToken.Presented.of(first);
            proxied(ex, instances.resolveProxy(token), token, raw.substring(1 + first.length()));
            return;
        }
        if (seg.size() >= 3 && isSha256Hex(first) && seg.get(1).equals("mistyproxy")) {
            ProxyToken.Presented token = ProxyToken.Presented.of(seg.get(2));
            ProxyTarget t = instances.resolveProxy(token);
            if (t != null && !MessageDigest.isEqual(
                    t.urlPrefix().getBytes(StandardCharsets.US_ASCII),
                    first.getBytes(StandardCharsets.US_ASCII))) {
                t = null; // a live token under another instance's prefix is still not found
            }
            proxied(ex, t, token, raw.substring(first.length() + "/mistyproxy/".length() + 1 + token.text().length()));
            return;
        }
        tag(ex, "unknown", "-");
        send(ex, 404, "application/json", "{\"error_message\":\"not found\"}".getBytes(StandardCharsets.UTF_8));
    }

    private void proxied(HttpServerExchange ex, ProxyTarget t, ProxyToken.Presented token, String rest) throws Exception {
        String path = rest.isEmpty() ? "/" : rest;
        tag(ex, "proxy", "/" + token.logId() + (t == null ? "" : path));
        if (t == null) {
            send(ex, 404, "application/json", PROXY_NOT_FOUND);
            return;
        }
        String upgrade = ex.getRequestHeaders().getFirst(UPGRADE);
        if (upgrade != null && upgrade.equalsIgnoreCase("websocket") && path.equalsIgnoreCase("/pubsub")) {
            pubsub.handle(ex, t, path);
        } else {
            relay.handle(ex, t, path);
        }
    }

    /** {@code /addon/cam/{iid}/{camera}/{action}} (Bearer) or {@code .../{feed|mjpeg}/{token}} (capability). */
    private void camera(HttpServerExchange ex, List<String> seg) throws Exception {
        String iid = seg.get(2);
        String cam = seg.get(3);
        String action = seg.get(4);
        CamTarget target;
        if (seg.size() == 6 && (action.equals("feed") || action.equals("mjpeg"))) {
            ProxyToken.Presented feedToken = ProxyToken.Presented.of(seg.get(5));
            tag(ex, "cam", "/addon/cam/" + iid + "/" + cam + "/" + action + "/" + feedToken.logId());
            target = instances.resolveFeed(iid, cam, feedToken);
        } else if (seg.size() == 5 && !action.equals("feed") && !action.equals("mjpeg")) {
            tag(ex, "cam", "/addon/cam/" + iid + "/" + cam + "/" + action);
            User user;
            try {
                user = users.authenticate(ex.getRequestHeaders().getFirst(Headers.AUTHORIZATION));
            } catch (ApiError e) {
                send(ex, 401, "application/json", "{\"error_message\":\"wrong authorization token\"}".getBytes(StandardCharsets.UTF_8));
                return;
            }
            target = instances.camTarget(user, iid, cam);
        } else {
            tag(ex, "cam", "-");
            target = null;
        }
        if (target == null) {
            send(ex, 404, "application/json", ("{\"success\":false,\"message\":\"instance or camera not found, or add-on `cam` not active\","
                    + "\"error_message\":\"instance or camera not found, or add-on `cam` not active\"}").getBytes(StandardCharsets.UTF_8));
            return;
        }
        camData.handle(ex, target, action);
    }

    /** The request path exactly as received (not decoded), without query, always starting with '/'. */
    public static String rawPath(HttpServerExchange ex) {
        String uri = ex.getRequestURI();
        if (ex.isHostIncludedInRequestURI()) {
            int scheme = uri.indexOf("://");
            int slash = scheme < 0 ? -1 : uri.indexOf('/', scheme + 3);
            uri = slash < 0 ? "/" : uri.substring(slash);
        }
        return uri.isEmpty() ? "/" : uri;
    }

    /** Segments of a raw path; empty segments are kept so that {@code /instances/} does not match {@code /instances}. */
    public static List<String> segments(String raw) {
        List<String> out = new ArrayList<>();
        int i = 1;
        while (true) {
            int j = raw.indexOf('/', i);
            if (j < 0) {
                out.add(raw.substring(i));
                return out;
            }
            out.add(raw.substring(i, j));
            i = j + 1;
        }
    }

    private static boolean isSha256Hex(String s) {
        if (s.length() != 64) return false;
        for (int i = 0; i < 64; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
        }
        return true;
    }

    private static void tag(HttpServerExchange ex, String route, String safePath) {
        ex.putAttachment(AccessLog.ROUTE, route);
        ex.putAttachment(AccessLog.SAFE_PATH, safePath);
    }

    public static void send(HttpServerExchange ex, int status, String type, byte[] body) {
        ex.setStatusCode(status);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, type);
        ex.getResponseSender().send(java.nio.ByteBuffer.wrap(body));
    }
}
