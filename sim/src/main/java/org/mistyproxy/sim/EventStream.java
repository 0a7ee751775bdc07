package org.mistyproxy.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The robot's event bus behind /pubsub: registers and unregisters subscriptions, answers with the
 * registration-status text clients match on (pubsub.md §4), ticks periodic sensor types on the
 * simulator's one scheduler at each subscription's DebounceMs, and fans out trigger-driven events
 * raised by REST commands and the inspection API.
 */
final class EventStream implements AutoCloseable {
    /** The fastest the simulated sensors report; DebounceMs below this (0 included) gets this rate. */
    static final long SENSOR_PERIOD_MS = 10;

    private final EventTemplates templates;
    private final SensorReadings readings;
    private final ScheduledExecutorService clock;
    private final ObjectMapper json;
    private final LenientJson lenient;
    private final RequestLog log;
    private final Map<String, Subscription> byName = new ConcurrentHashMap<>();
    private final Set<PubSubConnection> connections = ConcurrentHashMap.newKeySet();

    EventStream(EventTemplates templates, SensorReadings readings, ScheduledExecutorService clock,
                ObjectMapper json, LenientJson lenient, RequestLog log) {
        this.templates = templates;
        this.readings = readings;
        this.clock = clock;
        this.json = json;
        this.lenient = lenient;
        this.log = log;
    }

    void connected(PubSubConnection connection) {
        connections.add(connection);
    }

    void disconnected(PubSubConnection connection) {
        connections.remove(connection);
        for (Subscription s : connection.subscriptions().values()) {
            s.cancel();
            byName.remove(s.name(), s);
        }
        connection.subscriptions().clear();
    }

    void onBinary(PubSubConnection connection, byte[] payload) {
        log.add(Recording.webSocket(connection.handshakePath(), connection.handshakeQuery(), "BINARY", payload));
        status(connection, null, "Error: binary messages are not understood; send JSON text.");
    }

    void onText(PubSubConnection connection, String text) {
        log.add(Recording.webSocket(connection.handshakePath(), connection.handshakeQuery(), "TEXT",
                text.getBytes(StandardCharsets.UTF_8)));
        JsonNode message;
        try {
            message = lenient.parse(text);
        } catch (JsonProcessingException e) {
            status(connection, null, "Error: could not parse the message as JSON: " + e.getOriginalMessage());
            return;
        }
        if (message == null || !message.isObject()) {
            status(connection, null, "Error: the message must be a JSON object.");
            return;
        }
        String operation = JsonPaths.child(message, "Operation").asText("");
        if (operation.equalsIgnoreCase("subscribe")) {
            subscribe(connection, message);
        } else if (operation.equalsIgnoreCase("unsubscribe")) {
            unsubscribe(connection, JsonPaths.child(message, "EventName").asText(""));
        } else {
            status(connection, textOrNull(JsonPaths.child(message, "EventName")),
                    "Error: unknown Operation '" + operation + "'; use subscribe or unsubscribe.");
        }
    }

    private void subscribe(PubSubConnection connection, JsonNode message) {
        SubscribeMessage request;
        try {
            request = SubscribeMessage.parse(message, templates);
        } catch (SubscribeMessage.Refused refused) {
            status(connection, refused.eventName, refused.getMessage());
            return;
        }
        String name = request.eventName();
        Subscription subscription = new Subscription(request.type(), name, request.debounceMs(), request.conditions(),
                request.returnProperty(), connection, templates);
        if (byName.putIfAbsent(name, subscription) != null) {
            status(connection, name, "Registration Status: Cannot register an event with same name (" + name
                    + ") as a previously registered event.");
            return;
        }
        connection.subscriptions().put(name, subscription);
        status(connection, name, "Registration Status: API event registered.");
        subscription.activate();
        if (SensorReadings.periodic(request.type())) {
            long period = Math.max(SENSOR_PERIOD_MS, subscription.debounceMs());
            subscription.ticking(clock.scheduleAtFixedRate(() -> tick(subscription), period, period, TimeUnit.MILLISECONDS));
        }
    }

    private void tick(Subscription subscription) {
        try {
            subscription.tick(readings.read(subscription.type()));
        } catch (RuntimeException e) {
            // A failing tick must not cancel the schedule (scheduleAtFixedRate stops on a throw).
        }
    }

    private void unsubscribe(PubSubConnection connection, String name) {
        Subscription s = connection.subscriptions().remove(name);
        if (s != null) {
            s.cancel();
            byName.remove(name, s);
        }
    }

    private static String textOrNull(JsonNode n) {
        return n.isValueNode() && !n.isNull() ? n.asText() : null;
    }

    private void status(PubSubConnection connection, String eventName, String text) {
        ObjectNode m = json.createObjectNode();
        m.put("eventName", eventName);
        m.put("message", text);
        connection.send(m.toString());
    }

    /** Sends a trigger-driven event to every subscription of its type (conditions apply). */
    void emit(String type, ObjectNode message) {
        for (Subscription s : byName.values()) {
            if (s.type().equalsIgnoreCase(type)) {
                s.offer(message.deepCopy());
            }
        }
    }

    void locomotion(double linear, double angular) {
        ObjectNode m = templates.message("LocomotionCommand");
        m.put("linearVelocity", linear);
        m.put("angularVelocity", angular);
        emit("LocomotionCommand", m);
    }

    void halted() {
        emit("HaltCommand", templates.message("HaltCommand"));
    }

    /** A bump reports contact, then release a moment later, like the real switch. */
    void bump(String sensorId) {
        emit("BumpSensor", bumpMessage(sensorId, true));
        clock.schedule(() -> emit("BumpSensor", bumpMessage(sensorId, false)), 100, TimeUnit.MILLISECONDS);
    }

    private ObjectNode bumpMessage(String sensorId, boolean contacted) {
        ObjectNode m = templates.message("BumpSensor");
        m.put("isContacted", contacted);
        m.put("sensorId", sensorId);
        templates.sensors("BumpSensor").stream()
                .filter(s -> s.path("sensorId").asText().equalsIgnoreCase(sensorId))
                .findFirst()
                .ifPresent(s -> m.put("sensorName", s.path("sensorName").asText()));
        return m;
    }

    void textToSpeechComplete(String utteranceId) {
        clock.schedule(() -> {
            ObjectNode m = templates.message("TextToSpeechComplete");
            m.put("utteranceId", utteranceId);
            emit("TextToSpeechComplete", m);
        }, 100, TimeUnit.MILLISECONDS);
    }

    void audioPlayComplete(String fileName) {
        clock.schedule(() -> {
            ObjectNode m = templates.message("AudioPlayComplete");
            m.putObject("metaData").put("name", fileName);
            emit("AudioPlayComplete", m);
        }, 100, TimeUnit.MILLISECONDS);
    }

    /** For GET /_sim/state: open sockets, their subscriptions, and messages dropped for slow readers. */
    ObjectNode toJson() {
        ObjectNode o = json.createObjectNode();
        o.put("openSockets", connections.size());
        com.fasterxml.jackson.databind.node.ArrayNode subs = o.putArray("subscriptions");
        for (Subscription s : byName.values()) {
            subs.addObject().put("eventName", s.name()).put("type", s.type()).put("debounceMs", s.debounceMs());
        }
        o.put("droppedMessages", connections.stream().mapToLong(PubSubConnection::dropped).sum());
        return o;
    }

    int closeAll(int code, String reason) {
        List<PubSubConnection> open = new ArrayList<>(connections);
        open.forEach(c -> {
            disconnected(c);
            c.close(code, reason);
        });
        return open.size();
    }

    @Override
    public void close() {
        closeAll(1001, "Simulator stopping");
    }
}
