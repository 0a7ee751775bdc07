package org.mistyproxy.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The 36 event types of events.json (copied into this module's resources). Each sample message is
 * the template for what the simulator sends, minus the fields only the Deprecated WebSocket version
 * carries. Type names are matched without regard to case.
 */
final class EventTemplates {
    private final Map<String, JsonNode> byType = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final ObjectMapper json;
    private final RobotState state;

    EventTemplates(ObjectMapper json, RobotState state) {
        this.json = json;
        this.state = state;
        try (InputStream in = EventTemplates.class.getResourceAsStream("events.json")) {
            if (in == null) {
                throw new IllegalStateException("events.json missing from the sim module's resources");
            }
            for (JsonNode e : json.readTree(in)) {
                byType.put(e.path("type").asText(), e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read events.json", e);
        }
    }

    /** The canonical spelling of a type, or empty when the robot has no such event. */
    Optional<String> canonicalType(String type) {
        JsonNode e = byType.get(type);
        return e == null ? Optional.empty() : Optional.of(e.path("type").asText());
    }

    /**
     * A fresh, complete message body for {@code type} (every field of the sample, so conditions
     * can test {@code sensorName} as the robot does internally), with {@code created} (and
     * {@code expiry}) set to now. {@link #forWire} trims it to the version the robot sends.
     */
    ObjectNode message(String type) {
        JsonNode e = byType.get(type);
        JsonNode sample = e == null ? null : e.path("sample").path("message");
        ObjectNode message = sample != null && sample.isObject() ? sample.deepCopy() : json.createObjectNode();
        message.put("created", Timestamps.now());
        if (message.has("expiry")) {
            message.put("expiry", Timestamps.in(1000));
        }
        return message;
    }

    /**
     * What is sent: the Current WebSocket version leaves out the in-message {@code sensorName}
     * and the fields events.json marks as Deprecated-only; after POST /api/websocket/version
     * Deprecated, everything is kept.
     */
    ObjectNode forWire(String type, ObjectNode message) {
        if (state.deprecatedWebSocketVersion()) {
            return message;
        }
        ObjectNode wire = message.deepCopy();
        wire.remove("sensorName");
        JsonNode e = byType.get(type);
        if (e != null) {
            for (JsonNode field : e.path("deprecated_version_fields")) {
                String f = field.asText();
                if (f.startsWith("message.")) {
                    wire.remove(f.substring("message.".length()));
                }
            }
        }
        return wire;
    }

    /** The envelope sent to a subscriber; the Deprecated version also names the type at the top. */
    ObjectNode envelope(String eventName, String type, JsonNode payload) {
        ObjectNode envelope = json.createObjectNode();
        envelope.put("eventName", eventName);
        envelope.set("message", payload.isMissingNode() ? json.nullNode() : payload);
        if (state.deprecatedWebSocketVersion()) {
            envelope.put("type", type);
        }
        return envelope;
    }

    /** GET /api/websockets: each event class and the properties its messages carry. */
    com.fasterxml.jackson.databind.node.ArrayNode classes(String only) {
        com.fasterxml.jackson.databind.node.ArrayNode out = json.createArrayNode();
        for (JsonNode e : byType.values()) {
            String type = e.path("type").asText();
            if (only != null && !only.isBlank() && !type.equalsIgnoreCase(only)) {
                continue;
            }
            ObjectNode c = out.addObject();
            c.put("class", type);
            com.fasterxml.jackson.databind.node.ArrayNode props = c.putArray("nestedProperties");
            forWire(type, message(type)).fieldNames().forEachRemaining(name -> props.addObject()
                    .put("name", Character.toUpperCase(name.charAt(0)) + name.substring(1)));
        }
        return out;
    }

    /** The sensors a type reports from (one message per sensor), empty for single-source types. */
    List<JsonNode> sensors(String type) {
        List<JsonNode> sensors = new ArrayList<>();
        JsonNode e = byType.get(type);
        if (e != null) {
            e.path("sensors").forEach(sensors::add);
        }
        return sensors;
    }
}
