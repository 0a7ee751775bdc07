package org.mistyproxy.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;

/**
 * Everything that reached the robot, in arrival order. Tests use it as the oracle that a refused
 * request never arrived, so /_sim calls are never recorded here.
 */
final class RequestLog {
    /** Bodies up to this size are kept byte for byte; larger ones are recorded by size only. */
    static final int BODY_LIMIT = 64 * 1024;

    /** Default bound, so a benchmark pushing millions of requests does not exhaust the heap. */
    static final int DEFAULT_LIMIT = 50_000;

    private final ArrayDeque<RecordedRequest> entries = new ArrayDeque<>();
    private int limit = DEFAULT_LIMIT;
    private long dropped;

    synchronized void add(RecordedRequest request) {
        entries.addLast(request);
        while (entries.size() > limit) {
            entries.removeFirst();
            dropped++;
        }
    }

    /** Keeps at most {@code limit} entries, dropping the oldest first. */
    synchronized void limit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("the request log limit must be at least 1, got " + limit);
        }
        this.limit = limit;
        while (entries.size() > limit) {
            entries.removeFirst();
            dropped++;
        }
    }

    /** How many of the oldest entries were dropped to stay within the limit since the last clear. */
    synchronized long dropped() {
        return dropped;
    }

    synchronized List<RecordedRequest> snapshot() {
        return List.copyOf(entries);
    }

    synchronized void clear() {
        entries.clear();
        dropped = 0;
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
