package org.mistyproxy.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.ScheduledFuture;

/**
 * One registered event: its type, the caller's EventName, debounce, conditions and
 * ReturnProperty, and the connection it belongs to. Periodic types rotate through their sensors
 * and deliver at most one message per debounce interval: the first sensor (from where the last
 * tick stopped) whose message passes every condition.
 */
final class Subscription {
    private final String type;
    private final String name;
    private final long debounceMs;
    private final List<EventCondition> conditions;
    private final String returnProperty;
    private final PubSubConnection connection;
    private final EventTemplates templates;
    private int nextSensor;
    private ScheduledFuture<?> ticking;
    /** Set once the registration status went out, so no event can overtake it. */
    private volatile boolean active;

    Subscription(String type, String name, long debounceMs, List<EventCondition> conditions,
                 String returnProperty, PubSubConnection connection, EventTemplates templates) {
        this.type = type;
        this.name = name;
        this.debounceMs = debounceMs;
        this.conditions = List.copyOf(conditions);
        this.returnProperty = returnProperty;
        this.connection = connection;
        this.templates = templates;
    }

    String type() {
        return type;
    }

    String name() {
        return name;
    }

    long debounceMs() {
        return debounceMs;
    }

    PubSubConnection connection() {
        return connection;
    }

    void activate() {
        active = true;
    }

    void ticking(ScheduledFuture<?> future) {
        this.ticking = future;
    }

    void cancel() {
        if (ticking != null) {
            ticking.cancel(false);
        }
    }

    /** One debounce interval passed: send the next matching sensor's message, if any. */
    synchronized void tick(List<ObjectNode> readings) {
        int n = readings.size();
        for (int i = 0; i < n; i++) {
            int index = (nextSensor + i) % n;
            if (offer(readings.get(index))) {
                nextSensor = (index + 1) % n;
                return;
            }
        }
    }

    /** Sends {@code message} when it passes every condition; returns whether it was sent. */
    synchronized boolean offer(ObjectNode message) {
        if (!active) {
            return false;
        }
        for (EventCondition c : conditions) {
            if (!c.test(message)) {
                return false;
            }
        }
        conditions.forEach(c -> c.delivered(message));
        JsonNode payload = returnProperty == null ? templates.forWire(type, message) : JsonPaths.find(message, returnProperty);
        connection.send(templates.envelope(name, type, payload).toString());
        return true;
    }
}
