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

    /** "blocked by policy: why"; the policy's reasons may already start with "blocked: ". */
    static String text(String reason) {
        String why = reason == null ? "refused" : reason;
        if (why.regionMatches(true, 0, "blocked: ", 0, 9)) {
            why = why.substring(9);
        }
        return "blocked by policy: " + why;
    }

    /** A client message refused by a per-instance quota (not the policy), in the robot's style. */
    static String quotaJson(String reason) {
        ObjectNode n = JSON.createObjectNode();
        n.putNull("eventName");
        n.put("message", "refused: " + reason);
        return n.toString();
    }

    static String json(String eventName, String reason) {
        ObjectNode n = JSON.createObjectNode();
        n.put("eventName", eventName);
        n.put("message", text(reason));
        return n.toString();
    }
}
