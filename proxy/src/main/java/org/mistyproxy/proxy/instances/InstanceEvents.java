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
        EXPIRED,
        /** The owner halted the robot ({@code POST /deployment/{id}/halt}). */
        HALTED
    }

    /** The proxy URLs of an instance stopped working (mistyproxy add-on deactivated, or instance ended). */
    public record ProxyRevoked(String instanceId, Cause cause) {}

    /** The cam add-on became active; {@code feedTokens} maps camera id to its feed token. */
    public record CamActivated(String instanceId, Deployment deployment, Map<String, String> feedTokens) {}

    /** The cam add-on of an instance went away; its feed tokens no longer resolve. */
    public record CamDeactivated(String instanceId, Cause cause) {}

    /**
     * A borrower's loan of the robot ended: the instance ended after being READY, or its mistyproxy
     * add-on was deactivated. The lifecycle actions ({@code on_end}) run on it.
     *
     * @param reason the end as the instance records it, e.g. {@code terminated by ursula}
     */
    public record LoanEnded(String instanceId, Deployment deployment, Cause cause, String reason) {}

    private final List<Consumer<ProxyRevoked>> revoked = new CopyOnWriteArrayList<>();
    private final List<Consumer<LoanEnded>> loanEnded = new CopyOnWriteArrayList<>();
    private final List<Consumer<CamActivated>> camActivated = new CopyOnWriteArrayList<>();
    private final List<Consumer<CamDeactivated>> camDeactivated = new CopyOnWriteArrayList<>();
    private final List<Runnable> stopping = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> ended = new CopyOnWriteArrayList<>();

    /** An instance ended (TERMINATED or INIT_FAIL): release what was kept for it (audit ring, quotas). */
    public void onInstanceEnded(Consumer<String> listener) {
        ended.add(listener);
    }

    void instanceEnded(String instanceId) {
        fire(ended, instanceId);
    }

    public void onRevoked(Consumer<ProxyRevoked> listener) {
        revoked.add(listener);
    }

    public void onLoanEnded(Consumer<LoanEnded> listener) {
        loanEnded.add(listener);
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

    void loanEnded(LoanEnded e) {
        fire(loanEnded, e);
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
