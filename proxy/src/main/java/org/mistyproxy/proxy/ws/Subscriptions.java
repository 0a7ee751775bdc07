package org.mistyproxy.proxy.ws;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The subscriptions one client holds, as the relay saw them go by: robot messages carry only the
 * client's chosen {@code eventName}, so this maps it back to the event {@code Type} to know
 * whether a message is a droppable periodic event.
 */
final class Subscriptions {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();

    private final Map<String, String> typeByEventName = new ConcurrentHashMap<>();

    /**
     * What forwarding this (canonical JSON) client message would do to the number of subscriptions:
     * +1 for a subscribe under a new event name, -1 for an unsubscribe of a held one, else 0.
     */
    int change(String canonicalJson) {
        JsonNode msg;
        try {
            msg = JSON.readTree(canonicalJson);
        } catch (IOException e) {
            return 0;
        }
        if (msg == null || !msg.isObject()) return 0;
        String op = text(msg, "Operation");
        String name = text(msg, "EventName");
        if (op == null) return 0;
        if (op.equalsIgnoreCase("subscribe")) {
            String type = text(msg, "Type");
            return type != null && !typeByEventName.containsKey(name != null ? name : type) ? 1 : 0;
        }
        return op.equalsIgnoreCase("unsubscribe") && name != null && typeByEventName.containsKey(name) ? -1 : 0;
    }

    /** Records a forwarded (canonical JSON) client message; anything but (un)subscribe is ignored. */
    void clientSent(String canonicalJson) {
        JsonNode msg;
        try {
            msg = JSON.readTree(canonicalJson);
        } catch (IOException e) {
            return;
        }
        if (msg == null || !msg.isObject()) {
            return;
        }
        String op = text(msg, "Operation");
        String name = text(msg, "EventName");
        if (op == null) {
            return;
        }
        if (op.equalsIgnoreCase("subscribe")) {
            String type = text(msg, "Type");
            if (type != null) {
                // The robot defaults a missing EventName to the Type.
                typeByEventName.putIfAbsent(name != null ? name : type, type);
            }
        } else if (op.equalsIgnoreCase("unsubscribe") && name != null) {
            typeByEventName.remove(name);
        }
    }

    /**
     * Whether a robot text message is an event of a periodic type. Registration status messages
     * (whose {@code message} is a string) and anything unparsable are not.
     */
    boolean isPeriodicEvent(String robotJson) {
        String eventName = null;
        String type = null;
        boolean dataMessage = false;
        try (JsonParser p = FACTORY.createParser(robotJson)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return false;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if ("eventName".equals(field) && value == JsonToken.VALUE_STRING) {
                    eventName = p.getText();
                } else if ("type".equals(field) && value == JsonToken.VALUE_STRING) {
                    type = p.getText();
                } else if ("message".equals(field)) {
                    dataMessage = value == JsonToken.START_OBJECT;
                }
                p.skipChildren();
            }
        } catch (IOException e) {
            return false;
        }
        if (!dataMessage) {
            return false;
        }
        String subscribed = eventName == null ? null : typeByEventName.get(eventName);
        return PeriodicEvents.isPeriodic(subscribed != null ? subscribed : type);
    }

    private static String text(JsonNode obj, String field) {
        JsonNode v = obj.get(field);
        return v != null && v.isTextual() ? v.asText() : null;
    }
}
