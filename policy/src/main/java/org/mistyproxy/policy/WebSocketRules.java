package org.mistyproxy.policy;

/**
 * The {@code websocket:} section of a policy: which {@code /pubsub} messages a borrower may send.
 * Immutable; {@link #open(String)} makes the per-connection state.
 */
public final class WebSocketRules {
    private final WsConfig config;

    WebSocketRules(WsConfig config) {
        this.config = config;
    }

    /** False when the policy refuses {@code /pubsub} altogether: refuse the upgrade with 403. */
    public boolean enabled() {
        return config.enabled();
    }

    /** Why {@code /pubsub} is refused when it is not {@link #enabled()}. */
    public String disabledReason() {
        return config.disabledReason();
    }

    /** Per-connection state (subscriptions, message rate); one per client connection. */
    public WebSocketSession open(String instanceId) {
        return new WebSocketSession(config, instanceId, config.clock());
    }

    /** The largest client message accepted, in bytes (UTF-8). */
    public int maxMessageBytes() {
        return config.maxMessageBytes();
    }
}
