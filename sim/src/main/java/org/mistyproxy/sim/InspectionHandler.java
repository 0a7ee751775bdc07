package org.mistyproxy.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;

/**
 * The simulator's own API under /_sim, for tests and the demo. None of it is recorded in the
 * request log. Routes are listed in sim/README.md.
 */
final class InspectionHandler implements HttpHandler {
    private final Simulator simulator;
    private final RequestLog log;
    private final Faults faults;
    private final RobotState state;
    private final ObjectMapper json;
    private final LenientJson lenient;

    InspectionHandler(Simulator simulator, RequestLog log, Faults faults, RobotState state,
                      ObjectMapper json, LenientJson lenient) {
        this.simulator = simulator;
        this.log = log;
        this.faults = faults;
        this.state = state;
        this.json = json;
        this.lenient = lenient;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        byte[] body = exchange.getInputStream().readAllBytes();
        String path = exchange.getRequestPath().toLowerCase(Locale.ROOT);
        String method = exchange.getRequestMethod().toString().toUpperCase(Locale.ROOT);
        try {
            route(exchange, method, path, body);
        } catch (IllegalArgumentException bad) {
            reply(exchange, 400, json.createObjectNode().put("error", bad.getMessage()));
        }
    }

    private void route(HttpServerExchange exchange, String method, String path, byte[] body) throws IOException {
        switch (method + " " + path) {
            case "GET /_sim/requests" -> reply(exchange, 200, log.toJson(json));
            case "DELETE /_sim/requests" -> {
                log.clear();
                reply(exchange, 200, json.createObjectNode().put("cleared", true));
            }
            case "GET /_sim/state" -> reply(exchange, 200, simulator.stateNode());
            case "PUT /_sim/state", "POST /_sim/state" -> {
                setState(body);
                reply(exchange, 200, simulator.stateNode());
            }
            case "GET /_sim/faults" -> reply(exchange, 200, faults.toJson(json));
            case "PUT /_sim/faults", "POST /_sim/faults" -> {
                setFaults(body);
                reply(exchange, 200, faults.toJson(json));
            }
            case "DELETE /_sim/faults" -> {
                simulator.clearFaults();
                reply(exchange, 200, faults.toJson(json));
            }
            case "POST /_sim/faults/refuse" -> {
                long ms = longParam(exchange, "ms", 0);
                reply(exchange, 200, json.createObjectNode().put("refusing", true).put("forMs", ms));
                simulator.refuseConnectionsFor(ms);
            }
            case "POST /_sim/faults/close-websockets" -> {
                int code = (int) longParam(exchange, "code", 1001);
                int closed = simulator.closeWebSockets(code, param(exchange, "reason", "Simulated close"));
                reply(exchange, 200, json.createObjectNode().put("closed", closed).put("code", code));
            }
            case "POST /_sim/bump" -> {
                String sensor = param(exchange, "sensor", "bfr");
                simulator.bump(sensor);
                reply(exchange, 200, json.createObjectNode().put("bumped", sensor));
            }
            case "GET /_sim/blob" -> blob(exchange, longParam(exchange, "bytes", 1024));
            default -> reply(exchange, 404, json.createObjectNode().put("error",
                    "no simulator route " + method + " " + path + "; see sim/README.md"));
        }
    }

    private void setFaults(byte[] body) throws IOException {
        JsonNode node = lenient.parse(body);
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("body must be a JSON object such as {\"latencyMs\": 200}");
        }
        for (Map.Entry<String, JsonNode> f : node.properties()) {
            JsonNode v = f.getValue();
            switch (f.getKey()) {
                case "latencyMs" -> faults.latencyMs(requireInt(f.getKey(), v));
                case "failStatus" -> faults.failStatus((int) requireInt(f.getKey(), v));
                case "resetMidResponse" -> faults.resetMidResponse(requireBool(f.getKey(), v));
                case "stall" -> faults.stall(requireBool(f.getKey(), v));
                default -> throw new IllegalArgumentException("unknown fault '" + f.getKey()
                        + "'; known: latencyMs, failStatus, resetMidResponse, stall");
            }
        }
    }

    /** {@code {"battery": {"chargePercent": 0.12, "isCharging": false}}}: the only settable part so far. */
    private void setState(byte[] body) throws IOException {
        JsonNode node = lenient.parse(body);
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("body must be a JSON object such as {\"battery\": {\"chargePercent\": 0.12}}");
        }
        Double charge = null;
        Boolean charging = null;
        for (Map.Entry<String, JsonNode> f : node.properties()) {
            if (!f.getKey().equals("battery")) {
                throw new IllegalArgumentException("unknown state '" + f.getKey() + "'; settable: battery");
            }
            if (!f.getValue().isObject()) {
                throw new IllegalArgumentException("battery must be an object such as {\"chargePercent\": 0.12}");
            }
            for (Map.Entry<String, JsonNode> b : f.getValue().properties()) {
                JsonNode v = b.getValue();
                switch (b.getKey()) {
                    case "chargePercent" -> {
                        if (!v.isNumber() || v.asDouble() < 0 || v.asDouble() > 1) {
                            throw new IllegalArgumentException("battery.chargePercent must be a number from 0 to 1 "
                                    + "(the robot reports a fraction: 0.12 is 12 %), got " + v);
                        }
                        charge = v.asDouble();
                    }
                    case "isCharging" -> charging = requireBool("battery.isCharging", v);
                    default -> throw new IllegalArgumentException("unknown battery field '" + b.getKey()
                            + "'; known: chargePercent, isCharging");
                }
            }
        }
        state.battery(charge, charging);
    }

    private static long requireInt(String name, JsonNode v) {
        if (!v.isIntegralNumber()) {
            throw new IllegalArgumentException(name + " must be an integer, got " + v);
        }
        return v.asLong();
    }

    private static boolean requireBool(String name, JsonNode v) {
        if (!v.isBoolean()) {
            throw new IllegalArgumentException(name + " must be true or false, got " + v);
        }
        return v.asBoolean();
    }

    /** Deterministic bytes (i mod 251) so a download test can check every byte without a file. */
    private static void blob(HttpServerExchange exchange, long size) throws IOException {
        if (size < 0 || size > (1L << 34)) {
            throw new IllegalArgumentException("bytes must be between 0 and 2^34, got " + size);
        }
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/octet-stream");
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, size);
        byte[] pattern = new byte[251 * 256];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = (byte) (i % 251);
        }
        try (OutputStream out = exchange.getOutputStream()) {
            long sent = 0;
            while (sent < size) {
                int n = (int) Math.min(pattern.length, size - sent);
                out.write(pattern, 0, n);
                sent += n;
            }
        }
    }

    private static String param(HttpServerExchange exchange, String name, String fallback) {
        Deque<String> values = exchange.getQueryParameters().get(name);
        return values == null || values.isEmpty() ? fallback : RawPath.percentDecode(values.getFirst());
    }

    private static long longParam(HttpServerExchange exchange, String name, long fallback) {
        String v = param(exchange, name, null);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got '" + v + "'");
        }
    }

    private void reply(HttpServerExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, bytes.length);
        try (OutputStream out = exchange.getOutputStream()) {
            out.write(bytes);
        }
    }
}
