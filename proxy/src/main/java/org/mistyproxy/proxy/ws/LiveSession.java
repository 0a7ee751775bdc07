package org.mistyproxy.proxy.ws;

import java.util.function.Supplier;
import org.mistyproxy.policy.WebSocketRules;
import org.mistyproxy.policy.WebSocketSession;
import org.mistyproxy.policy.WsDecision;

/**
 * The policy session of one client socket, kept in step with the configuration in force: each
 * client message is judged by the deployment's current WebSocket rules. When a reload changed
 * them, the socket's session is opened afresh from the new rules before the message is judged —
 * so its subscription memory and message-rate bucket start again from the new policy's limits,
 * which is what a changed limit means. When the deployment is no longer configured the old
 * session judges the few messages before the reload terminates the instance and closes the socket.
 */
final class LiveSession {
    private final Supplier<WebSocketRules> rules;
    private final String instanceId;
    // Guarded by this.
    private WebSocketRules openedFrom;
    private WebSocketSession session;

    LiveSession(Supplier<WebSocketRules> rules, WebSocketRules initial, String instanceId) {
        this.rules = rules;
        this.instanceId = instanceId;
        this.openedFrom = initial;
        this.session = initial.open(instanceId);
    }

    synchronized WsDecision onClientText(String text) {
        return current().onClientText(text);
    }

    synchronized WsDecision onClientBinary(int length) {
        return current().onClientBinary(length);
    }

    private WebSocketSession current() {
        WebSocketRules now = rules.get();
        if (now != null && now != openedFrom) {
            openedFrom = now;
            session = now.open(instanceId);
        }
        return session;
    }
}
