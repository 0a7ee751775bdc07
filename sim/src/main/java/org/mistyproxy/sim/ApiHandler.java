package org.mistyproxy.sim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.SameThreadExecutor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Answers everything outside /_sim and /pubsub the way the robot does: reads the body, records the
 * request, applies the fault knobs, finds the command by verb and path, gathers its arguments and
 * answers in Misty's envelope with the {@code Misty-Command-Version} header.
 */
final class ApiHandler implements HttpHandler {
    private static final HttpString COMMAND_VERSION = new HttpString("Misty-Command-Version");

    private final EndpointCatalog catalog;
    private final RobotCommands commands;
    private final RequestLog log;
    private final Faults faults;
    private final LenientJson lenient;
    private final ObjectMapper json;
    private final Path spillDir;

    ApiHandler(EndpointCatalog catalog, RobotCommands commands, RequestLog log, Faults faults,
               LenientJson lenient, ObjectMapper json, Path spillDir) {
        this.catalog = catalog;
        this.commands = commands;
        this.log = log;
        this.faults = faults;
        this.lenient = lenient;
        this.json = json;
        this.spillDir = spillDir;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) throws Exception {
        RequestBody body = RequestBody.read(exchange.getInputStream(), spillDir);
        try {
            log.add(Recording.http(exchange, body));
            if (applyFaults(exchange)) {
                return;
            }
            Reply reply = answer(exchange, body);
            send(exchange, reply);
        } finally {
            body.discard();
        }
    }

    /** Returns true when a fault already took care of the exchange. */
    private boolean applyFaults(HttpServerExchange exchange) throws InterruptedException {
        long latency = faults.latencyMs();
        if (latency > 0) {
            Thread.sleep(latency);
        }
        if (faults.stall()) {
            // Hand the exchange to nobody: it stays open, unanswered, until the client gives up.
            exchange.dispatch(SameThreadExecutor.INSTANCE, () -> { });
            return true;
        }
        int status = faults.failStatus();
        if (status != 0) {
            send(exchange, new Reply.Failure(status, status == 503
                    ? "Service unavailable (simulated fault)." : "Simulated fault: the robot answered " + status + "."));
            return true;
        }
        return false;
    }

    private Reply answer(HttpServerExchange exchange, RequestBody body) throws IOException {
        String path = RawPath.decodeAndResolve(exchange.getRequestURI());
        String verb = exchange.getRequestMethod().toString().toUpperCase(Locale.ROOT);
        Optional<Endpoint> endpoint = catalog.find(verb, path);
        if (endpoint.isEmpty()) {
            exchange.getResponseHeaders().put(COMMAND_VERSION, "Current");
            return new Reply.Failure(404, "No command found at " + verb + " " + path + ".");
        }
        Endpoint e = endpoint.get();
        exchange.getResponseHeaders().put(COMMAND_VERSION, e.commandVersion());
        String contentType = Optional.ofNullable(exchange.getRequestHeaders().getFirst(Headers.CONTENT_TYPE)).orElse("");
        try {
            JsonNode jsonBody = null;
            MultipartBody multipart = null;
            if (contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
                multipart = MultipartBody.parse(body, contentType);
                ObjectNode fields = json.createObjectNode();
                multipart.parts().stream().filter(p -> !p.isFile()).forEach(p -> fields.put(p.name(), p.text()));
                jsonBody = fields;
            } else if (body.size() > 0) {
                int first = body.firstNonBlank();
                if (first == '{' || first == '[' || !commands.takesRawBody(e)) {
                    jsonBody = parseBody(body);
                }
            }
            Arguments args = new Arguments(e, exchange.getQueryString(), jsonBody);
            Call call = new Call(e, args, body, contentType, jsonBody, multipart);
            return commands.run(call);
        } catch (BadArgument bad) {
            return new Reply.Failure(400, bad.getMessage());
        } catch (RuntimeException crash) {
            return new Reply.Failure(500, "Exception in " + e.name() + ": " + crash);
        }
    }

    private JsonNode parseBody(RequestBody body) throws IOException {
        JsonNode node;
        try {
            node = lenient.parse(body.bytes());
        } catch (JsonProcessingException bad) {
            throw new BadArgument("Could not parse the JSON body: " + bad.getOriginalMessage()
                    + " (line " + bad.getLocation().getLineNr() + ", column " + bad.getLocation().getColumnNr() + ").");
        }
        if (node != null && !node.isObject() && !node.isMissingNode() && !node.isNull()) {
            throw new BadArgument("The JSON body must be an object, got " + node.getNodeType().toString().toLowerCase(Locale.ROOT) + ".");
        }
        return node;
    }

    void send(HttpServerExchange exchange, Reply reply) {
        try {
            if (!exchange.getResponseHeaders().contains(COMMAND_VERSION)) {
                exchange.getResponseHeaders().put(COMMAND_VERSION, "Current");
            }
            if (reply instanceof Reply.Result r) {
                ObjectNode envelope = json.createObjectNode();
                envelope.set("result", r.value());
                envelope.put("status", "Success");
                write(exchange, 200, "application/json", json.writeValueAsBytes(envelope));
            } else if (reply instanceof Reply.Failure f) {
                ObjectNode envelope = json.createObjectNode();
                envelope.put("error", f.error());
                envelope.put("status", "Failed");
                write(exchange, f.status(), "application/json", json.writeValueAsBytes(envelope));
            } else if (reply instanceof Reply.Bytes b) {
                write(exchange, 200, b.contentType(), b.data());
            } else if (reply instanceof Reply.File f) {
                exchange.setStatusCode(200);
                exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, f.contentType());
                exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, f.size());
                try (InputStream in = Files.newInputStream(f.path())) {
                    copy(exchange, in, f.size());
                }
            }
        } catch (IOException e) {
            // the client went away mid-answer; nothing left to tell it
            org.xnio.IoUtils.safeClose(exchange.getConnection());
        }
    }

    private void write(HttpServerExchange exchange, int status, String contentType, byte[] data) throws IOException {
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, contentType);
        exchange.getResponseHeaders().put(Headers.CONTENT_LENGTH, data.length);
        copy(exchange, new java.io.ByteArrayInputStream(data), data.length);
    }

    /** Streams the answer; with the reset fault on, stops half way and drops the connection. */
    private void copy(HttpServerExchange exchange, InputStream in, long size) throws IOException {
        long limit = faults.resetMidResponse() ? size / 2 : Long.MAX_VALUE;
        OutputStream out = exchange.getOutputStream();
        byte[] buffer = new byte[64 * 1024];
        long sent = 0;
        int n;
        while (sent < limit && (n = in.read(buffer, 0, (int) Math.min(buffer.length, limit - sent))) > 0) {
            out.write(buffer, 0, n);
            sent += n;
        }
        if (sent < size) {
            out.flush();
            org.xnio.IoUtils.safeClose(exchange.getConnection());
            return;
        }
        out.close();
    }

}
