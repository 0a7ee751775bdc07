package org.mistyproxy.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything that reached the robot, in arrival order. Tests use it as the oracle that a refused
 * request never arrived, so /_sim calls are never recorded here.
 */
final class RequestLog {
    /** Bodies up to this size are kept byte for byte; larger ones are recorded by size only. */
    static final int BODY_LIMIT = 64 * 1024;

    private final List<RecordedRequest> entries = new ArrayList<>();

    synchronized void add(RecordedRequest request) {
        entries.add(request);
    }

    synchronized List<RecordedRequest> snapshot() {
        return List.copyOf(entries);
    }

    synchronized void clear() {
        entries.clear();
    }

    ArrayNode toJson(ObjectMapper json) {
        ArrayNode array = json.createArrayNode();
        for (RecordedRequest r : snapshot()) {
            ObjectNode o = array.addObject();
            o.put("kind", r.kind());
            o.put("method", r.method());
            o.put("path", r.path());
            o.put("query", r.query());
            ObjectNode headers = o.putObject("headers");
            for (Map.Entry<String, List<String>> h : r.headers().entrySet()) {
                ArrayNode values = headers.putArray(h.getKey());
                h.getValue().forEach(values::add);
            }
            o.put("body", r.bodyForJson());
            o.put("bodyEncoding", r.bodyEncoding());
            o.put("bodySize", r.bodySize());
            o.put("bodyTruncated", r.bodyTruncated());
        }
        return array;
    }
}
