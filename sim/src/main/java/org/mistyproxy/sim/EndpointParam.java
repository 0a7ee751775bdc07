package org.mistyproxy.sim;

import com.fasterxml.jackson.databind.JsonNode;

/** One parameter of a Misty command, as endpoints.json describes it. */
record EndpointParam(String name, String type, boolean required, Double min, Double max,
                     boolean rangeExclusive, boolean rangeDependsOnUnits, JsonNode enumValues) {

    static EndpointParam from(JsonNode p) {
        JsonNode range = p.path("range");
        Double min = range.isArray() && !range.path(0).isNull() ? range.path(0).asDouble() : null;
        Double max = range.isArray() && !range.path(1).isNull() ? range.path(1).asDouble() : null;
        return new EndpointParam(p.path("name").asText(), p.path("type").asText("string"),
                p.path("required").asBoolean(false), min, max,
                p.path("range_exclusive").asBoolean(false), p.has("range_by_units"),
                p.has("enum") ? p.get("enum") : null);
    }

    /** The type name the robot's error messages use (.NET names). */
    String dotNetType() {
        return switch (type) {
            case "float" -> "double";
            case "int" -> "int";
            case "bool" -> "bool";
            case "string" -> "string";
            default -> type;
        };
    }
}
