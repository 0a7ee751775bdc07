package org.mistyproxy.proxy.ws;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What a client gets instead of a refused message: a frame shaped like the robot's own status
 * messages ({@code {"eventName": ..., "message": "..."}}), so clients that route by eventName
 * show it next to the subscription it concerns.
 */
final class RefusalMessage {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RefusalMessage() {}

    static String json(String eventName, String reason) {
        ObjectNode n = JSON.createObjectNode();
        n.put("eventName", eventName);
        n.put("message", "blocked by policy: " + reason);
        return n.toString();
    }
}
