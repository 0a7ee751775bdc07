package org.mistyproxy.proxy.ws;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/** An upgrade that cannot go ahead is answered in Misty's error envelope, never upgraded. */
final class ErrorReply {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ErrorReply() {}

    static void send(HttpServerExchange exchange, int status, String error) {
        ObjectNode n = JSON.createObjectNode();
        n.put("status", "Failed");
        n.put("error", error);
        exchange.setStatusCode(status);
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        exchange.getResponseSender().send(n.toString());
    }
}
