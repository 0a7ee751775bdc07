package org.mistyproxy.proxy.instances;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.mistyproxy.config.Deployment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Things that happen to instances that other parts of the server must react to at once: the
 * WebSocket relay closes sockets when proxy URLs are revoked, the camera data plane closes feeds
 * when the cam add-on goes away. Listeners run synchronously on the thread that made the change,
 * after the tokens are already gone from the lookup table, so they must not block.
 */
public final class InstanceEvents {
    private static final Logger LOG = LoggerFactory.getLogger(InstanceEvents.class);

    /** Why URLs or feeds stopped working. */
    public enum Cause {
        DEACTIVATED,
        TERMINATED,
        EXPIRED
    }

    /** The proxy URLs of an instance stopped working (mistyproxy add-on deactivated, or instance ended). */
    public record ProxyRevoked(String instanceId, Cause cause) {}

    /** The cam add-on became active; {@code feedTokens} maps camera id to its feed token. */
    public record CamActivated(String instanceId, Deployment deployment, Map<String, String> feedTokens) {}

    /** The cam add-on of an instance went away; its feed tokens no longer resolve. */
    public record CamDeactivated(String instanceId, Cause cause) {}

    private final List<Consumer<ProxyRevoked>> revoked = new CopyOnWriteArrayList<>();
    private final List<Consumer<CamActivated>> camActivated = new CopyOnWriteArrayList<>();
    private final List<Consumer<CamDeactivated>> camDeactivated = new CopyOnWriteArrayList<>();
    private final List<Runnable> stopping = new CopyOnWriteArrayList<>();

    public void onRevoked(Consumer<ProxyRevoked> listener) {
        revoked.add(listener);
    }

    public void onCamActivated(Consumer<CamActivated> listener) {
        camActivated.add(listener);
    }

    public void onCamDeactivated(Consumer<CamDeactivated> listener) {
        camDeactivated.add(listener);
    }

    /**
     * The server has stopped taking requests and waits for in-flight ones: end endless streams
     * (MJPEG, feeds, {@code /pubsub}) now, or the shutdown waits its whole grace period for them.
     */
    public void onServerStopping(Runnable listener) {
        stopping.add(listener);
    }

    public void serverStopping() {
        for (Runnable r : stopping) {
            try {
                r.run();
            } catch (RuntimeException ex) {
                LOG.warn("event=listener_failed event_type=ServerStopping error={}", ex.toString());
            }
        }
    }

    void revoked(ProxyRevoked e) {
        fire(revoked, e);
    }

    void camActivated(CamActivated e) {
        fire(camActivated, e);
    }

    void camDeactivated(CamDeactivated e) {
        fire(camDeactivated, e);
    }

    private static <T> void fire(List<Consumer<T>> listeners, T event) {
        for (Consumer<T> l : listeners) {
            try {
                l.accept(event);
            } catch (RuntimeException ex) {
                // One broken listener must not stop the others from closing their sockets.
                LOG.warn("event=listener_failed event_type={} error={}", event.getClass().getSimpleName(), ex.toString());
            }
        }
    }
}
