package org.mistyproxy.sim;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Builds request-log entries from what Undertow received, keeping the raw target untouched. */
final class Recording {
    private Recording() {}

    static RecordedRequest http(HttpServerExchange exchange, RequestBody body) {
        boolean kept = body.inMemory();
        return new RecordedRequest("http", exchange.getRequestMethod().toString(),
                exchange.getRequestURI(), rawQuery(exchange), headers(exchange),
                kept ? body.head() : new byte[0], body.size(), !kept);
    }

    static RecordedRequest webSocket(String handshakeUri, String handshakeQuery, String opcode, byte[] payload) {
        boolean kept = payload.length <= RequestLog.BODY_LIMIT;
        return new RecordedRequest("ws", opcode, handshakeUri, handshakeQuery, Map.of(),
                kept ? payload : new byte[0], payload.length, !kept);
    }

    /** Undertow gives "" both for "no query" and "?" with nothing after; the raw target tells them apart. */
    static String rawQuery(HttpServerExchange exchange) {
        String q = exchange.getQueryString();
        if (q != null && !q.isEmpty()) {
            return q;
        }
        return null;
    }

    static Map<String, List<String>> headers(HttpServerExchange exchange) {
        Map<String, List<String>> headers = new TreeMap<>();
        for (HeaderValues values : exchange.getRequestHeaders()) {
            String name = values.getHeaderName().toString().toLowerCase(Locale.ROOT);
            headers.computeIfAbsent(name, k -> new ArrayList<>()).addAll(values);
        }
        headers.replaceAll((k, v) -> List.copyOf(v));
        return headers;
    }
}
