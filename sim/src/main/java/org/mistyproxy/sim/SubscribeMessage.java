package org.mistyproxy.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A client's subscribe message, read leniently (field names without regard to case, numbers in
 * strings, a single condition object instead of an array). Anything that cannot be registered
 * is a {@link Refused} carrying the registration-status text the robot sends back.
 */
record SubscribeMessage(String type, String eventName, long debounceMs, List<EventCondition> conditions,
                        String returnProperty) {
    static final long DEFAULT_DEBOUNCE_MS = 250;

    /** Why a subscription was not registered; {@code eventName} may be null when none was given. */
    static final class Refused extends Exception {
        final String eventName;

        Refused(String eventName, String status) {
            super("Registration Status: " + status, null, false, false);
            this.eventName = eventName;
        }
    }

    static SubscribeMessage parse(JsonNode message, EventTemplates templates) throws Refused {
        JsonNode typeNode = JsonPaths.child(message, "Type");
        JsonNode nameNode = JsonPaths.child(message, "EventName");
        String requestedName = nameNode.isValueNode() && !nameNode.isNull() ? nameNode.asText() : null;
        if (!typeNode.isTextual() || typeNode.asText().isBlank()) {
            throw new Refused(requestedName, "Cannot register an event without a Type.");
        }
        String type = templates.canonicalType(typeNode.asText().trim()).orElseThrow(() -> new Refused(requestedName,
                "Cannot register an event of unknown type (" + typeNode.asText() + ")."));
        String name = requestedName == null || requestedName.isBlank() ? type : requestedName;
        try {
            return new SubscribeMessage(type, name, debounce(message), conditions(message), returnProperty(message));
        } catch (IllegalArgumentException bad) {
            throw new Refused(name, "Cannot register the event: " + bad.getMessage() + ".");
        }
    }

    private static long debounce(JsonNode message) {
        JsonNode d = JsonPaths.child(message, "DebounceMs");
        if (d.isMissingNode() || d.isNull()) {
            return DEFAULT_DEBOUNCE_MS;
        }
        long ms;
        if (d.isIntegralNumber()) {
            ms = d.asLong();
        } else if (d.isTextual() && d.asText().trim().matches("\\d{1,9}")) {
            ms = Long.parseLong(d.asText().trim());
        } else {
            throw new IllegalArgumentException("DebounceMs must be a whole number of milliseconds, got " + d);
        }
        if (ms < 0) {
            throw new IllegalArgumentException("DebounceMs must not be negative, got " + ms);
        }
        return ms;
    }

    private static List<EventCondition> conditions(JsonNode message) {
        JsonNode c = JsonPaths.child(message, "EventConditions");
        List<EventCondition> out = new ArrayList<>();
        if (c.isMissingNode() || c.isNull()) {
            return out;
        }
        if (c.isObject()) {
            out.add(EventCondition.parse(c, 0));
            return out;
        }
        if (!c.isArray()) {
            throw new IllegalArgumentException("EventConditions must be an array, got " + c);
        }
        for (int i = 0; i < c.size(); i++) {
            out.add(EventCondition.parse(c.get(i), i));
        }
        return out;
    }

    private static String returnProperty(JsonNode message) {
        JsonNode r = JsonPaths.child(message, "ReturnProperty");
        if (r.isMissingNode() || r.isNull() || (r.isTextual() && r.asText().isBlank())) {
            return null;
        }
        if (!r.isTextual()) {
            throw new IllegalArgumentException("ReturnProperty must be a property name, got " + r);
        }
        return r.asText().trim();
    }
}
