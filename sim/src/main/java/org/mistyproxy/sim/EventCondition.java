package org.mistyproxy.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Map;

/**
 * One entry of a subscription's {@code EventConditions}: {@code {Property, Inequality, Value}}.
 * The sources disagree on operator spellings, so the union is accepted and normalised
 * (see pubsub.md §2): {@code == → =}, {@code !== → !=}, and {@code =>} is read as {@code <=}, the
 * operator it stands in for in the docs' list. {@code delta} passes when the property moved by at
 * least {@code Value} since the last delivered message (any change when Value is not a number).
 */
final class EventCondition {
    enum Operator { EQUAL, NOT_EQUAL, GREATER, LESS, GREATER_OR_EQUAL, LESS_OR_EQUAL, EXISTS, EMPTY, DELTA }

    private static final Map<String, Operator> SPELLINGS = Map.ofEntries(
            Map.entry("=", Operator.EQUAL), Map.entry("==", Operator.EQUAL),
            Map.entry("!=", Operator.NOT_EQUAL), Map.entry("!==", Operator.NOT_EQUAL),
            Map.entry(">", Operator.GREATER), Map.entry("<", Operator.LESS),
            Map.entry(">=", Operator.GREATER_OR_EQUAL), Map.entry("<=", Operator.LESS_OR_EQUAL),
            Map.entry("=>", Operator.LESS_OR_EQUAL),
            Map.entry("exists", Operator.EXISTS), Map.entry("empty", Operator.EMPTY),
            Map.entry("delta", Operator.DELTA));

    private final String property;
    private final Operator operator;
    private final JsonNode value;
    private JsonNode lastDelivered;

    private EventCondition(String property, Operator operator, JsonNode value) {
        this.property = property;
        this.operator = operator;
        this.value = value;
    }

    /** Parses one condition; a bad one is reported with its index so the client can find it. */
    static EventCondition parse(JsonNode node, int index) {
        String where = "EventConditions[" + index + "]";
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + " must be an object, got " + node);
        }
        JsonNode property = JsonPaths.child(node, "Property");
        if (!property.isTextual() || property.asText().isBlank()) {
            throw new IllegalArgumentException(where + ".Property must be a property name");
        }
        JsonNode inequality = JsonPaths.child(node, "Inequality");
        Operator op = inequality.isTextual() ? SPELLINGS.get(inequality.asText().trim().toLowerCase(Locale.ROOT)) : null;
        if (op == null) {
            throw new IllegalArgumentException(where + ".Inequality must be one of " + SPELLINGS.keySet()
                    + ", got " + inequality);
        }
        return new EventCondition(property.asText().trim(), op, JsonPaths.child(node, "Value"));
    }

    Operator operator() {
        return operator;
    }

    boolean test(JsonNode message) {
        JsonNode actual = JsonPaths.find(message, property);
        boolean absent = actual.isMissingNode() || actual.isNull();
        switch (operator) {
            case EXISTS:
                return !absent;
            case EMPTY:
                return absent || (actual.isTextual() && actual.asText().isEmpty())
                        || (actual.isContainerNode() && actual.isEmpty());
            case DELTA:
                return !absent && movedEnough(actual);
            default:
                break;
        }
        if (absent) {
            return false;
        }
        Double a = number(actual);
        Double b = number(value);
        switch (operator) {
            case EQUAL:
                return equal(actual, a, b);
            case NOT_EQUAL:
                return !equal(actual, a, b);
            default:
                break;
        }
        if (a == null || b == null) {
            return false;
        }
        return switch (operator) {
            case GREATER -> a > b;
            case LESS -> a < b;
            case GREATER_OR_EQUAL -> a >= b;
            case LESS_OR_EQUAL -> a <= b;
            default -> false;
        };
    }

    /** Called when a message passed every condition and was sent; delta compares against it. */
    void delivered(JsonNode message) {
        if (operator == Operator.DELTA) {
            lastDelivered = JsonPaths.find(message, property);
        }
    }

    private boolean equal(JsonNode actual, Double a, Double b) {
        if (a != null && b != null) {
            return a.doubleValue() == b.doubleValue();
        }
        String want = value.isMissingNode() || value.isNull() ? "" : value.asText();
        if (actual.isBoolean()) {
            return actual.asText().equalsIgnoreCase(want);
        }
        return actual.asText().equals(want);
    }

    private boolean movedEnough(JsonNode actual) {
        if (lastDelivered == null || lastDelivered.isMissingNode()) {
            return true;
        }
        Double now = number(actual);
        Double before = number(lastDelivered);
        Double step = number(value);
        if (now != null && before != null && step != null) {
            return Math.abs(now - before) >= Math.abs(step);
        }
        return !actual.equals(lastDelivered);
    }

    private static Double number(JsonNode n) {
        if (n == null || n.isMissingNode() || n.isNull()) {
            return null;
        }
        if (n.isNumber()) {
            return n.asDouble();
        }
        if (n.isTextual()) {
            try {
                return Double.parseDouble(n.asText().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return property + " " + operator + " " + value;
    }
}
