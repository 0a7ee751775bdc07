package org.mistyproxy.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * One client connection on {@code /pubsub}: checks each client message against the policy and
 * remembers what this connection subscribed to. Methods are synchronized because a WebSocket
 * container may deliver messages of one connection on different threads (one at a time).
 */
public final class WebSocketSession {
    /** The message fields the robot reads, in the order the canonical message lists them. */
    private static final String[] FIELDS = {
        "$id", "Operation", "Type", "DebounceMs", "EventName", "Message", "ReturnProperty", "EventConditions"
    };
    private static final Map<String, String> FIELD_SPELLING = new LinkedHashMap<>();

    static {
        for (String f : FIELDS) {
            FIELD_SPELLING.put(f.toLowerCase(Locale.ROOT), f);
        }
    }

    private final WsConfig config;
    private final String instanceId;
    private final TokenBucket messages;
    private final Set<String> subscribed = new HashSet<>();

    WebSocketSession(WsConfig config, String instanceId, LongSupplier clock) {
        this.config = config;
        this.instanceId = instanceId;
        double rate = config.messagesPerSecond();
        this.messages = rate > 0 ? new TokenBucket(Math.max(1, (long) Math.ceil(rate)), rate / 1e9, clock) : null;
    }

    /** The largest client message accepted, in bytes (UTF-8). */
    public int maxMessageBytes() {
        return config.maxMessageBytes();
    }

    /** The instance this connection belongs to. */
    public String instanceId() {
        return instanceId;
    }

    /** How many subscriptions this connection holds (as far as the proxy let them through). */
    public synchronized int subscriptions() {
        return subscribed.size();
    }

    /** Checks a binary frame: the robot speaks JSON text only, so binary closes the connection. */
    public synchronized WsDecision onClientBinary(int length) {
        return refuse("binary frames are not part of the pub/sub protocol (" + length + " bytes)", null, true);
    }

    /** Checks one client text message and returns the canonical text to forward. */
    public synchronized WsDecision onClientText(String text) {
        if (!config.enabled()) {
            return refuse(config.disabledReason(), null, true);
        }
        int bytes = utf8Length(text, config.maxMessageBytes());
        if (bytes > config.maxMessageBytes()) {
            return refuse("message of more than " + config.maxMessageBytes() + " bytes (max_message_bytes)", null, true);
        }
        if (messages != null && !messages.tryTake()) {
            return refuse("more than " + LenientJson.plain(config.messagesPerSecond())
                    + " messages per second (messages_per_second)", null, false);
        }
        LenientJson.Parsed parsed = config.json().parse(text.getBytes(StandardCharsets.UTF_8));
        if (parsed.error() != null) {
            return refuse("message is not acceptable JSON: " + parsed.error(), null, false);
        }
        if (!(parsed.value() instanceof ObjectNode in)) {
            return refuse("message must be a JSON object", null, false);
        }
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = in.properties().iterator();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String canonical = FIELD_SPELLING.get(e.getKey().toLowerCase(Locale.ROOT));
            if (canonical == null) {
                return refuse("unknown field " + Reasons.quote(e.getKey()), null, false);
            }
            if (fields.containsKey(canonical)) {
                return refuse("field " + canonical + " appears twice (names compare case-insensitively)", null, false);
            }
            if (!e.getValue().isNull()) {
                fields.put(canonical, e.getValue());
            } else {
                fields.put(canonical, null);
            }
        }
        fields.values().removeIf(v -> v == null);
        JsonNode op = fields.get("Operation");
        if (op == null || !op.isTextual()) {
            return refuse("Operation must be a string", null, false);
        }
        String operation = op.textValue().toLowerCase(Locale.ROOT);
        if (!config.operations().contains(operation)) {
            return refuse("Operation " + Reasons.quote(op.textValue()) + " is not allowed (allowed: "
                    + String.join(", ", config.operations()) + ")", null, false);
        }
        JsonNode nameNode = fields.get("EventName");
        if (nameNode == null || !nameNode.isTextual() || nameNode.textValue().isEmpty()) {
            return refuse("EventName must be a non-empty string", null, false);
        }
        String eventName = nameNode.textValue();
        for (String f : new String[] {"Type", "ReturnProperty", "Message", "$id"}) {
            JsonNode v = fields.get(f);
            if (v != null && !v.isTextual()) {
                return refuse(f + " must be a string", eventName, false);
            }
        }
        JsonNode conditions = fields.get("EventConditions");
        if (conditions != null && !(conditions.isArray() || conditions.isObject())) {
            return refuse("EventConditions must be an array of conditions", eventName, false);
        }
        fields.put("Operation", JsonNodeFactory.instance.textNode(operation));
        if (operation.equals("unsubscribe")) {
            if (!subscribed.contains(eventName)) {
                return refuse("unsubscribe of " + Reasons.quote(eventName)
                        + ", which this connection did not subscribe", eventName, false);
            }
            subscribed.remove(eventName);
            return allow(fields, eventName, "unsubscribe " + Reasons.quote(eventName));
        }
        if (!operation.equals("subscribe")) {
            return allow(fields, eventName, operation);
        }
        JsonNode typeNode = fields.get("Type");
        if (typeNode == null) {
            return refuse("subscribe needs a Type", eventName, false);
        }
        String type = typeNode.textValue();
        String lowerType = type.toLowerCase(Locale.ROOT);
        if (config.blockedTypes().contains(lowerType)) {
            return refuse("event Type " + type + " is blocked", eventName, false);
        }
        if (config.allowedTypes() != null && !config.allowedTypes().contains(lowerType)) {
            return refuse("event Type " + Reasons.quote(type) + " is not in the allowed types", eventName, false);
        }
        String spelled = config.typeSpelling().get(lowerType);
        if (spelled != null) {
            fields.put("Type", JsonNodeFactory.instance.textNode(spelled));
        }
        JsonNode debounce = fields.get("DebounceMs");
        long debounceMs;
        if (debounce == null) {
            debounceMs = WsConfig.ROBOT_DEFAULT_DEBOUNCE_MS;
        } else {
            Long whole = LenientJson.wholeNumber(debounce);
            if (whole == null || whole < 0) {
                return refuse("DebounceMs must be a whole number of milliseconds, not " + Reasons.show(debounce),
                        eventName, false);
            }
            debounceMs = whole;
            fields.put("DebounceMs", JsonNodeFactory.instance.numberNode(whole));
        }
        if (debounceMs < config.minDebounceMs()) {
            if (!config.clampDebounce()) {
                return refuse("DebounceMs " + debounceMs + " is below the minimum " + config.minDebounceMs()
                        + (debounce == null ? " (the robot's default when it is left out is 250)" : ""), eventName, false);
            }
            fields.put("DebounceMs", JsonNodeFactory.instance.numberNode(config.minDebounceMs()));
        }
        if (subscribed.contains(eventName)) {
            return refuse("EventName " + Reasons.quote(eventName) + " is already subscribed on this connection",
                    eventName, false);
        }
        if (subscribed.size() >= config.maxSubscriptions()) {
            return refuse("more than " + config.maxSubscriptions() + " subscriptions on one connection (max_subscriptions)",
                    eventName, false);
        }
        subscribed.add(eventName);
        return allow(fields, eventName, "subscribe " + type + " as " + Reasons.quote(eventName));
    }

    private WsDecision allow(Map<String, JsonNode> fields, String eventName, String what) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (String f : FIELDS) {
            JsonNode v = fields.get(f);
            if (v != null) {
                out.set(f, v);
            }
        }
        return new WsDecision(true, config.json().write(out), "allowed: " + what + " (" + config.label() + ")",
                eventName, false, config.label());
    }

    private WsDecision refuse(String why, String eventName, boolean close) {
        return new WsDecision(false, null, "blocked: " + why + " (" + config.label() + ")", eventName, close,
                config.label());
    }

    /** UTF-8 length of the text, counting no further than just past {@code cap}. */
    private static int utf8Length(String s, int cap) {
        int n = 0;
        for (int i = 0; i < s.length() && n <= cap; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
