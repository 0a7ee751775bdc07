package org.mistyproxy.proxy.cam;

import io.micrometer.core.instrument.MeterRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.websockets.WebSocketConnectionCallback;
import io.undertow.websockets.WebSocketProtocolHandshakeHandler;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.CloseMessage;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.mistyproxy.camera.CameraHold;
import org.mistyproxy.camera.CameraSpec;
import org.mistyproxy.camera.CameraView;
import org.mistyproxy.camera.Cameras;
import org.mistyproxy.camera.CaptureSettings;
import org.mistyproxy.camera.CropRect;
import org.mistyproxy.config.Camera;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.proxy.access.CamTarget;
import org.mistyproxy.proxy.front.CamRequestHandler;
import org.mistyproxy.proxy.instances.InstanceEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cam add-on's data plane: snapshots ({@code img}), WebSocket feeds ({@code feed}) and MJPEG
 * feeds ({@code mjpeg}). Capture runs while at least one instance has the add-on active: each
 * activation holds the deployment's cameras, each deactivation (or end of the instance) releases
 * them and closes that instance's feeds.
 */
public final class CamDataPlane implements CamRequestHandler, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CamDataPlane.class);
    /** Each feed has a thread; this bounds them. */
    static final int MAX_FEEDS = 200;

    private record CameraRef(UUID deployment, String camera) {}

    private final Cameras cameras;
    private final Map<CameraRef, CameraView> views = new HashMap<>();
    private final Map<CameraRef, FeedFrames> feedFrames = new HashMap<>();
    private final CamMetrics metrics;
    private final SnapshotEndpoint snapshots;
    private final ExecutorService feedThreads;

    private final Object lock = new Object();
    // Guarded by lock.
    private final Map<String, List<CameraHold>> holds = new HashMap<>();
    private final Map<String, Set<Feed>> feeds = new HashMap<>();
    private int feedCount;
    private boolean closed;

    public CamDataPlane(List<Deployment> deployments, MeterRegistry registry, InstanceEvents events) {
        this(deployments, registry, events, CaptureSettings.defaults());
    }

    /**
     * @param deployments every deployment: their cameras are set up (capture starts on activation)
     * @param events      cam add-on activations and deactivations, and the server stopping
     */
    public CamDataPlane(List<Deployment> deployments, MeterRegistry registry, InstanceEvents events, CaptureSettings settings) {
        this.cameras = new Cameras(settings);
        for (Deployment d : deployments) {
            for (Camera c : d.cameras()) {
                CameraRef ref = new CameraRef(d.id(), c.id());
                views.put(ref, cameras.add(spec(c)));
                feedFrames.put(ref, new FeedFrames());
            }
        }
        this.metrics = new CamMetrics(registry, cameras);
        this.snapshots = new SnapshotEndpoint(metrics);
        this.feedThreads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "cam-feed");
            t.setDaemon(true);
            return t;
        });
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
                webSocket(ex, target.instanceId(), view, feedFrames.get(ref));
                break;
            case "mjpeg":
                mjpeg(ex, target.instanceId(), view);
                break;
            default:
                snapshots.failure(ex, 404, "no such camera endpoint '" + action + "' (img, feed, mjpeg)");
        }
    }

    private void webSocket(HttpServerExchange ex, String iid, CameraView view, FeedFrames frames) throws Exception {
        WebSocketConnectionCallback onConnect = (exchange, channel) -> {
            channel.getReceiveSetter().set(new AbstractReceiveListener() {}); // ignore client messages, see closes
            channel.resumeReceives();
            WebSocketFeed[] self = new WebSocketFeed[1];
            self[0] = new WebSocketFeed(view, channel, frames, metrics, () -> unregister(iid, self[0]));
            if (!register(iid, self[0])) {
                WebSockets.sendClose(new CloseMessage(1013, "no feed available"), channel, null);
                return;
            }
            feedThreads.execute(self[0]);
        };
        HttpHandler notUpgrade = next -> snapshots.failure(next, 400,
                "a feed URL needs a WebSocket upgrade; for a plain <img src> use .../mjpeg/{feed token}");
        new WebSocketProtocolHandshakeHandler(onConnect, notUpgrade).handleRequest(ex);
    }

    private void mjpeg(HttpServerExchange ex, String iid, CameraView view) {
        if (!ex.getRequestMethod().toString().equals("GET")) {
            ex.getResponseHeaders().put(Headers.ALLOW, "GET");
            snapshots.failure(ex, 405, "method " + ex.getRequestMethod() + " not allowed here; use GET");
            return;
        }
        MjpegFeed[] self = new MjpegFeed[1];
        self[0] = new MjpegFeed(view, ex, metrics, () -> unregister(iid, self[0]));
        if (!register(iid, self[0])) {
            snapshots.failure(ex, 503, "too many open feeds, or the cam add-on is no longer active");
            return;
        }
        ex.dispatch(feedThreads, self[0]);
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
        }
        log.info("event=cam_capture_held instance={} cameras={}", iid, d.cameras().size());
    }

    private void deactivated(InstanceEvents.CamDeactivated e) {
        List<CameraHold> h;
        Set<Feed> f;
        synchronized (lock) {
            h = holds.remove(e.instanceId());
            f = feeds.remove(e.instanceId());
        }
        if (f != null) {
            f.forEach(feed -> feed.close("cam add-on no longer active"));
        }
        if (h != null) {
            h.forEach(CameraHold::close);
            log.info("event=cam_capture_released instance={} cause={}", e.instanceId(), e.cause());
        }
    }

    private boolean register(String iid, Feed feed) {
        synchronized (lock) {
            if (closed || !holds.containsKey(iid) || feedCount >= MAX_FEEDS) {
                return false;
            }
            feeds.computeIfAbsent(iid, k -> new HashSet<>()).add(feed);
            feedCount++;
            return true;
        }
    }

    private void unregister(String iid, Feed feed) {
        synchronized (lock) {
            Set<Feed> s = feeds.get(iid);
            if (s != null && s.remove(feed) && s.isEmpty()) {
                feeds.remove(iid);
            }
            feedCount--;
        }
    }

    private void closeFeeds(String reason) {
        List<Feed> f = new ArrayList<>();
        synchronized (lock) {
            feeds.values().forEach(f::addAll);
            feeds.clear();
        }
        f.forEach(feed -> feed.close(reason));
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
        feedThreads.shutdownNow();
        cameras.close();
    }
}
