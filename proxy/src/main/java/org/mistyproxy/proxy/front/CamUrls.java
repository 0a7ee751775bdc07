package org.mistyproxy.proxy.front;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.util.Optional;
import org.mistyproxy.proxy.access.CurrentConfig;
import org.mistyproxy.proxy.access.CamTarget;
import org.mistyproxy.proxy.access.FeedGrant;
import org.mistyproxy.proxy.access.Grant;
import org.mistyproxy.proxy.access.ProxyToken;
import org.mistyproxy.proxy.access.UserGrant;
import org.mistyproxy.proxy.gate.CameraEnvelope;
import org.mistyproxy.proxy.gate.ControlEnvelope;
import org.mistyproxy.proxy.instances.Instances;

/**
 * The camera-URL route handler: {@code .../feed|mjpeg/{feed token}} resolves the capability
 * ({@link FeedGrant}); {@code .../img} needs {@code Authorization: Bearer} of a user who may see
 * the instance ({@link UserGrant}). Either way the cam add-on must be active and the camera
 * known, else 404 in the camera envelope; then the camera data plane answers.
 */
public final class CamUrls implements HttpHandler {
    private static final String NOT_FOUND = "instance or camera not found, or add-on `cam` not active";

    private final Instances instances;
    private final CurrentConfig config;
    private final CamRequestHandler camData;

    public CamUrls(Instances instances, CurrentConfig config, CamRequestHandler camData) {
        this.instances = instances;
        this.config = config;
        this.camData = camData;
    }

    @Override
    public void handleRequest(HttpServerExchange ex) throws Exception {
        CamPath p = ex.getAttachment(CamPath.KEY);
        String base = "/addon/cam/" + p.instanceId() + "/" + p.camera() + "/" + p.action();
        CamTarget target = null;
        if (!p.wellFormed()) {
            AccessLog.tag(ex, "cam", "-");
        } else if (p.feedToken() != null) {
            ProxyToken.Presented feedToken = ProxyToken.Presented.of(p.feedToken());
            AccessLog.tag(ex, "cam", base + "/" + feedToken.logId());
            target = instances.addOns().resolveFeed(p.instanceId(), p.camera(), feedToken);
            if (target != null) ex.putAttachment(Grant.KEY, new FeedGrant(target));
        } else {
            AccessLog.tag(ex, "cam", base);
            Optional<UserGrant> grant = config.get().users().grant(ex.getRequestHeaders().getFirst(Headers.AUTHORIZATION));
            if (grant.isEmpty()) {
                ControlEnvelope.send(ex, 401, "wrong authorization token");
                return;
            }
            ex.putAttachment(Grant.KEY, grant.get());
            target = instances.addOns().camTarget(grant.get().user(), p.instanceId(), p.camera());
        }
        if (target == null) {
            CameraEnvelope.send(ex, 404, NOT_FOUND);
            return;
        }
        camData.handle(ex, target, p.action());
    }
}
