package org.mistyproxy.proxy.cam;

import io.micrometer.core.instrument.MeterRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.websockets.WebSocketConnectionCallback;
import io.undertow.websockets.core.CloseMessage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import io.undertow.util.SameThreadExecutor;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import org.mistyproxy.camera.CameraHold;
import org.mistyproxy.camera.CameraSpec;
import org.mistyproxy.camera.CameraView;
import org.mistyproxy.camera.Cameras;
import org.mistyproxy.camera.CaptureSettings;
import org.mistyproxy.camera.CropRect;
import org.mistyproxy.config.Camera;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.proxy.access.CamTarget;
import org.mistyproxy.proxy.audit.AuditEntry;
import org.mistyproxy.proxy.audit.AuditLog;
import org.mistyproxy.proxy.front.CamRequestHandler;
import org.mistyproxy.proxy.gate.WebSocketHandshake;
import org.mistyproxy.proxy.instances.InstanceEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cam add-on's data plane: snapshots ({@code img}), WebSocket feeds ({@code feed}) and MJPEG
 * feeds ({@code mjpeg}). Capture runs while at least one instance has the add-on active: each
 * activation holds the deployment's cameras, each deactivation (or end of the instance) releases
 * them and closes that instance's feeds.
 *
 * <p>Feeds take no thread each: a {@link FeedHub} per camera pumps frames to its viewers, which
 * write without blocking on their IO threads. How many feeds are open is bounded per instance
 * (the deployment's {@code camera_feeds_per_instance}) and server-wide ({@code camera_feeds_max}).
 */
public final class CamDataPlane implements CamRequestHandler, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CamDataPlane.class);

    private record CameraRef(UUID deployment, String camera) {}

    private final Cameras cameras;
    // Read lock-free by requests; changed (under lock) only by a reload.
    private final Map<CameraRef, CameraView> views = new ConcurrentHashMap<>();
    private final Map<CameraRef, FeedHub> hubs = new ConcurrentHashMap<>();
    private final CamMetrics metrics;
    private final SnapshotEndpoint snapshots;
    private final FeedQuota quota;
    private final AuditLog audit;

    private final Object lock = new Object();
    // Guarded by lock.
    private final Map<String, List<CameraHold>> holds = new HashMap<>();
    private final Map<String, UUID> holderDeployment = new HashMap<>();
    private final Map<String, Set<FeedViewer>> feeds = new HashMap<>();
    private boolean closed;

    public CamDataPlane(List<Deployment> deployments, int cameraFeedsMax, MeterRegistry registry, InstanceEvents events,
            AuditLog audit) {
        this(deployments, cameraFeedsMax, registry, events, audit, CaptureSettings.defaults());
    }

    /**
     * @param deployments    every deployment: their cameras are set up (capture starts on activation)
     * @param cameraFeedsMax live feeds the whole server keeps open ({@code camera_feeds_max})
     * @param events         cam add-on activations and deactivations, and the server stopping
     * @param audit          where refused feeds are recorded
     */
    public CamDataPlane(List<Deployment> deployments, int cameraFeedsMax, MeterRegistry registry, InstanceEvents events,
            AuditLog audit, CaptureSettings settings) {
        this.cameras = new Cameras(settings);
        for (Deployment d : deployments) {
            for (Camera c : d.cameras()) {
                CameraRef ref = new CameraRef(d.id(), c.id());
                CameraView view = cameras.add(spec(c));
                views.put(ref, view);
                hubs.put(ref, new FeedHub(view));
            }
        }
        this.audit = audit;
        this.quota = new FeedQuota(cameraFeedsMax);
        this.metrics = new CamMetrics(registry, cameras);
        this.snapshots = new SnapshotEndpoint(metrics);
        events.onCamActivated(e -> activate(e.instanceId(), e.deployment()));
        events.onCamDeactivated(this::deactivated);
        // Feeds never end on their own; without this a graceful shutdown would wait its whole grace.
        events.onServerStopping(() -> closeFeeds("server shutting down"));
    }

    static CameraSpec spec(Camera c) {
        return new CameraSpec(c.id(), c.source(), c.width(), c.height(), c.fps(),
                c.crop().map(k -> new CropRect(k.x0(), k.y0(), k.x1(), k.y1())), c.jpegQuality());
    }

    @Override
    public void handle(HttpServerExchange ex, CamTarget target, String action) throws Exception {
        CameraRef ref = new CameraRef(target.deployment().id(), target.camera().id());
        CameraView view = views.get(ref);
        if (view == null) {
            snapshots.failure(ex, 404, "camera " + target.camera().id() + " not found");
            return;
        }
        switch (action) {
            case "img":
                snapshots.handle(ex, view);
                break;
            case "feed":
                webSocket(ex, target, hubs.get(ref));
                break;
            case "mjpeg":
                mjpeg(ex, target, hubs.get(ref));
                break;
            default:
                snapshots.failure(ex, 404, "no such camera endpoint '" + action + "' (img, feed, mjpeg)");
        }
    }

    private void webSocket(HttpServerExchange ex, CamTarget target, FeedHub hub) throws Exception {
        String iid = target.instanceId();
        String client = client(ex);
        String path = auditPath(target, "feed");
        WebSocketConnectionCallback onConnect = (exchange, channel) -> {
            WebSocketFeed[] self = new WebSocketFeed[1];
            channel.getReceiveSetter().set(new FeedSocketListener(() -> log.info(
                    "event=cam_feed_client_message_too_big instance={} camera={}", iid, hub.cameraId())));
            channel.resumeReceives();
            self[0] = new WebSocketFeed(hub, channel, metrics, () -> unregister(iid, self[0], metrics.wsFeeds));
            FeedQuota.Refusal no = register(iid, target.deployment().cameraFeedsPerInstance(), self[0], metrics.wsFeeds);
            if (no != null) {
                refused(iid, client, "WS-OPEN", path, no, no.closeCode());
                WebSocketFeed.closeNow(channel, no.closeCode(), no.message());
                return;
            }
            self[0].start(hub);
        };
        HttpHandler notUpgrade = next -> snapshots.failure(next, 400,
                "a feed URL needs a WebSocket upgrade; for a plain <img src> use .../mjpeg/{feed token}");
        // (the 101 must not repeat the feed URL, whose token is a capability: see WebSocketHandshake)
        new WebSocketHandshake(onConnect, notUpgrade).handleRequest(ex);
    }

    private void mjpeg(HttpServerExchange ex, CamTarget target, FeedHub hub) {
        if (!ex.getRequestMethod().toString().equals("GET")) {
            ex.getResponseHeaders().put(Headers.ALLOW, "GET");
            snapshots.failure(ex, 405, "method " + ex.getRequestMethod() + " not allowed here; use GET");
            return;
        }
        String iid = target.instanceId();
        MjpegFeed[] self = new MjpegFeed[1];
        self[0] = new MjpegFeed(hub, ex, metrics, () -> unregister(iid, self[0], metrics.mjpegFeeds));
        FeedQuota.Refusal no = register(iid, target.deployment().cameraFeedsPerInstance(), self[0], metrics.mjpegFeeds);
        if (no != null) {
            refused(iid, client(ex), "GET", auditPath(target, "mjpeg"), no, no.httpStatus());
            snapshots.failure(ex, no.httpStatus(), no.message());
            return;
        }
        // Keeps the exchange open after this handler returns; start() runs on this IO thread.
        ex.dispatch(SameThreadExecutor.INSTANCE, () -> self[0].start(hub));
    }

    private static String client(HttpServerExchange ex) {
        java.net.InetSocketAddress a = ex.getSourceAddress();
        return a == null || a.getAddress() == null ? "-" : a.getAddress().getHostAddress();
    }

    /** The feed path without its token (audit entries hold no secrets). */
    private static String auditPath(CamTarget t, String action) {
        return "/addon/cam/" + t.instanceId() + "/" + t.camera().id() + "/" + action;
    }

    private void refused(String iid, String client, String method, String path, FeedQuota.Refusal no, int status) {
        String rule = no == INACTIVE ? "cam add-on not active" : "quota " + no.quota();
        audit.record(new AuditEntry(Instant.now(), iid, client, "cam", method, path, false, rule, no.message(), status,
                0, 0, null));
        log.info("event=cam_feed_refused instance={} quota={} status={}", iid, no.quota(), status);
    }

    private void activate(String iid, Deployment d) {
        synchronized (lock) {
            if (closed || holds.containsKey(iid)) {
                return;
            }
            List<CameraHold> list = new ArrayList<>();
            for (Camera c : d.cameras()) {
                CameraView v = views.get(new CameraRef(d.id(), c.id()));
                if (v != null) {
                    list.add(v.hold());
                }
            }
            holds.put(iid, list);
            holderDeployment.put(iid, d.id());
        }
        log.info("event=cam_capture_held instance={} cameras={}", iid, d.cameras().size());
    }

    private void deactivated(InstanceEvents.CamDeactivated e) {
        List<CameraHold> h;
        Set<FeedViewer> f;
        synchronized (lock) {
            h = holds.remove(e.instanceId());
            holderDeployment.remove(e.instanceId());
            f = feeds.remove(e.instanceId());
        }
        if (f != null) {
            f.forEach(feed -> feed.close(CloseMessage.GOING_AWAY, "cam add-on no longer active"));
        }
        if (h != null) {
            h.forEach(CameraHold::close);
            log.info("event=cam_capture_released instance={} cause={}", e.instanceId(), e.cause());
        }
    }

    private static final FeedQuota.Refusal INACTIVE = new FeedQuota.Refusal("cam add-on", 404, 1008,
            "the cam add-on is no longer active on this instance");

    /**
     * Puts a reloaded configuration's cameras in force. A new or changed camera gets a new view,
     * held at once for every instance whose cam add-on is active on that deployment, so new feeds
     * and snapshots use the new source; open feeds keep the view they started with (and its hold)
     * until they or the add-on end. A removed camera takes no new request; its capture stops when
     * the last hold on it is released (the instances of a removed deployment are terminated by the
     * reload, which releases theirs).
     */
    public void reconfigure(Collection<Deployment> deployments) {
        Map<CameraRef, CameraSpec> wanted = new HashMap<>();
        for (Deployment d : deployments) {
            for (Camera c : d.cameras()) wanted.put(new CameraRef(d.id(), c.id()), spec(c));
        }
        int added = 0;
        synchronized (lock) {
            if (closed) return;
            views.keySet().removeIf(ref -> !wanted.containsKey(ref));
            hubs.keySet().removeIf(ref -> !wanted.containsKey(ref));
            for (Map.Entry<CameraRef, CameraSpec> w : wanted.entrySet()) {
                CameraView old = views.get(w.getKey());
                if (old != null && old.spec().equals(w.getValue())) continue;
                CameraView view = cameras.add(w.getValue());
                for (Map.Entry<String, UUID> h : holderDeployment.entrySet()) {
                    if (h.getValue().equals(w.getKey().deployment())) holds.get(h.getKey()).add(view.hold());
                }
                hubs.put(w.getKey(), new FeedHub(view));
                views.put(w.getKey(), view);
                added++;
            }
        }
        log.info("event=cam_reconfigured cameras={} new_or_changed={}", wanted.size(), added);
    }

    private FeedQuota.Refusal register(String iid, int instanceMax, FeedViewer feed, AtomicInteger kind) {
        synchronized (lock) {
            if (closed || !holds.containsKey(iid)) {
                return INACTIVE;
            }
            FeedQuota.Refusal no = quota.acquire(iid, instanceMax);
            if (no != null) {
                return no;
            }
            feeds.computeIfAbsent(iid, k -> new HashSet<>()).add(feed);
            kind.incrementAndGet();
            return null;
        }
    }

    private void unregister(String iid, FeedViewer feed, AtomicInteger kind) {
        synchronized (lock) {
            Set<FeedViewer> s = feeds.get(iid);
            if (s != null && s.remove(feed) && s.isEmpty()) {
                feeds.remove(iid);
            }
            quota.release(iid);
            kind.decrementAndGet();
        }
    }

    private void closeFeeds(String reason) {
        List<FeedViewer> f = new ArrayList<>();
        synchronized (lock) {
            feeds.values().forEach(f::addAll);
        }
        f.forEach(feed -> feed.close(CloseMessage.GOING_AWAY, reason));
    }

    /** Closes feeds, stops capture. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            holds.values().forEach(l -> l.forEach(CameraHold::close));
            holds.clear();
        }
        closeFeeds("server shutting down");
        hubs.values().forEach(FeedHub::close);
        cameras.close();
    }
}
