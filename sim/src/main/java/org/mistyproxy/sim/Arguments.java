package org.mistyproxy.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A command's parameters, gathered like the robot does: from the query string and from a JSON
 * body, on any verb, with names compared without regard to case. A JSON {@code null} counts as
 * absent. Values from the body win over the query. Typed getters answer wrong types with
 * {@link BadArgument}.
 */
final class Arguments {
    private final Endpoint endpoint;
    private final Map<String, JsonNode> values = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);

    Arguments(Endpoint endpoint, String rawQuery, JsonNode body) {
        this.endpoint = endpoint;
        if (rawQuery != null && !rawQuery.isEmpty()) {
            for (String pair : rawQuery.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                values.put(name, TextNode.valueOf(value));
            }
        }
        if (body != null && body.isObject()) {
            body.properties().forEach(f -> {
                if (!f.getValue().isNull()) {
                    values.put(f.getKey(), f.getValue());
                }
            });
        }
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadArgument("Malformed query string: " + e.getMessage());
        }
    }

    /** Checks required parameters, types and (unit-independent) ranges of every known parameter. */
    void validate() {
        for (EndpointParam p : endpoint.params()) {
            JsonNode v = values.get(p.name());
            if (v == null) {
                if (p.required()) {
                    throw new BadArgument(prefix() + "Missing required " + p.dotNetType()
                            + " parameter '" + p.name() + "'.");
                }
                continue;
            }
            switch (p.type()) {
                case "int" -> checkRange(p, integer(p, v));
                case "float" -> checkRange(p, number(p, v));
                case "bool" -> bool(p, v);
                case "string" -> text(p, v);
                default -> { }
            }
            if (p.enumValues() != null && v.isValueNode()) {
                boolean known = false;
                for (JsonNode allowed : p.enumValues()) {
                    known |= allowed.asText().equalsIgnoreCase(v.asText());
                }
                if (!known) {
                    throw new BadArgument(prefix() + "Parameter '" + p.name() + "' must be one of "
                            + p.enumValues() + ", got '" + v.asText() + "'.");
                }
            }
        }
    }

    private void checkRange(EndpointParam p, double value) {
        if (p.rangeDependsOnUnits()) {
            return; // checked by the command itself, which knows the units
        }
        boolean low = p.min() != null && (p.rangeExclusive() ? value <= p.min() : value < p.min());
        boolean high = p.max() != null && (p.rangeExclusive() ? value >= p.max() : value > p.max());
        if (low || high) {
            throw new BadArgument(prefix() + "Parameter '" + p.name() + "' is out of range ["
                    + fmt(p.min()) + ", " + fmt(p.max()) + "]: " + fmt(value) + ".");
        }
    }

    private static String fmt(Double d) {
        if (d == null) {
            return "";
        }
        return d == Math.rint(d) ? Long.toString(d.longValue()) : d.toString();
    }

    private String prefix() {
        return "Cannot " + endpoint.name() + " - ";
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    Optional<String> text(String name) {
        JsonNode v = values.get(name);
        return v == null ? Optional.empty() : Optional.of(text(param(name), v));
    }

    Optional<Double> number(String name) {
        JsonNode v = values.get(name);
        return v == null ? Optional.empty() : Optional.of(number(param(name), v));
    }

    Optional<Long> integer(String name) {
        JsonNode v = values.get(name);
        return v == null ? Optional.empty() : Optional.of(integer(param(name), v));
    }

    Optional<Boolean> bool(String name) {
        JsonNode v = values.get(name);
        return v == null ? Optional.empty() : Optional.of(bool(param(name), v));
    }

    String requireText(String name) {
        return text(name).orElseThrow(() -> missing(name, "string"));
    }

    double requireNumber(String name) {
        return number(name).orElseThrow(() -> missing(name, "double"));
    }

    private BadArgument missing(String name, String type) {
        return new BadArgument(prefix() + "Missing required " + type + " parameter '" + name + "'.");
    }

    private EndpointParam param(String name) {
        return endpoint.param(name).orElse(new EndpointParam(name, "any", false, null, null, false, false, null));
    }

    private String text(EndpointParam p, JsonNode v) {
        if (v.isContainerNode()) {
            throw wrongType(p, v, "string");
        }
        return v.asText();
    }

    private double number(EndpointParam p, JsonNode v) {
        if (v.isNumber()) {
            return v.asDouble();
        }
        if (v.isTextual()) {
            try {
                double d = Double.parseDouble(v.asText().trim());
                if (Double.isFinite(d)) {
                    return d;
                }
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw wrongType(p, v, "double");
    }

    private long integer(EndpointParam p, JsonNode v) {
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.asLong();
        }
        if (v.isTextual()) {
            try {
                return Long.parseLong(v.asText().trim());
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw wrongType(p, v, "int");
    }

    private boolean bool(EndpointParam p, JsonNode v) {
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        if (v.isTextual()) {
            String s = v.asText().trim().toLowerCase(Locale.ROOT);
            if (s.equals("true") || s.equals("false")) {
                return s.equals("true");
            }
        }
        throw wrongType(p, v, "bool");
    }

    private BadArgument wrongType(EndpointParam p, JsonNode v, String type) {
        return new BadArgument(prefix() + "Parameter '" + p.name() + "' must be a " + type + ", got "
                + (v.isTextual() ? "'" + v.asText() + "'" : v.toString()) + ".");
    }
}
