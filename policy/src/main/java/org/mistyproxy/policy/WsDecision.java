package org.mistyproxy.policy;

/**
 * The verdict on one client message on {@code /pubsub}.
 *
 * @param allowed       whether to forward the message
 * @param canonicalText the text to forward (a strict re-serialisation, with DebounceMs clamped when
 *                      the policy says so); {@code null} when not allowed
 * @param reason        why, in words, naming the rule
 * @param eventName     the subscription's EventName, or {@code null}
 * @param close         true when the connection must be closed (message too large, binary frame)
 * @param rule          which part of the policy decided, e.g. {@code "websocket, misty-safe.yaml:120"}
 */
public record WsDecision(
        boolean allowed, String canonicalText, String reason, String eventName, boolean close, String rule) {}
