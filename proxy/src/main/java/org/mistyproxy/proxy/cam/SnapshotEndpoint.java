package org.mistyproxy.proxy.cam;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.mistyproxy.camera.CameraUnavailableException;
import org.mistyproxy.camera.CameraView;
import org.mistyproxy.camera.Snapshot;
import org.mistyproxy.proxy.gate.CameraEnvelope;

/** {@code GET /addon/cam/{iid}/{cid}/img}: one snapshot, in the contract's JSON or one of our additions. */
final class SnapshotEndpoint {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SnapshotEndpoint.class);

    static final HttpString SEQUENCE = new HttpString("X-Frame-Sequence");
    static final HttpString CAPTURED_AT = new HttpString("X-Frame-Captured-At");

    private final ObjectMapper json = new ObjectMapper();
    private final CamMetrics metrics;

    SnapshotEndpoint(CamMetrics metrics) {
        this.metrics = metrics;
    }

    void handle(HttpServerExchange ex, CameraView view) {
        if (!ex.getRequestMethod().equals(Methods.GET)) {
            ex.getResponseHeaders().put(Headers.ALLOW, "GET");
            failure(ex, 405, "method " + ex.getRequestMethod() + " not allowed here; use GET");
            return;
        }
        SnapshotQuery query;
        try {
            query = SnapshotQuery.parse(ex);
        } catch (IllegalArgumentException e) {
            failure(ex, 400, e.getMessage());
            return;
        }
        long t0 = System.nanoTime();
        Snapshot ready;
        try {
            ready = view.ready(query.request(), ex.getConnection().getWorker());
        } catch (IllegalArgumentException e) {
            failure(ex, 400, e.getMessage());
            return;
        }
        if (ready != null) {
            // The usual case under load: the newest frame (or, while a worker encodes the newest,
            // the one before it) is already encoded. Answer from this IO thread (no hop to a
            // worker, no wait for an encode), with the body built once per frame for every client.
            answer(ex, view, query, ready, t0);
            return;
        }
        if (ex.isInIoThread()) {
            // Waiting for the first frame, or encoding this one: not on an IO thread.
            ex.dispatch(() -> serve(ex, view, query, t0));
            return;
        }
        serve(ex, view, query, t0);
    }

    private void answer(HttpServerExchange ex, CameraView view, SnapshotQuery query, Snapshot s, long t0) {
        Reply reply;
        String outcome = "ok";
        try {
            reply = success(ex, view, query, s);
        } catch (RuntimeException e) {
            outcome = "error";
            reply = internalError(view, e);
        }
        metrics.snapshot(query.reply().tag, outcome, System.nanoTime() - t0);
        send(ex, reply.status(), reply.type(), reply.body());
    }

    private record Reply(int status, String type, byte[] body) {}

    private void serve(HttpServerExchange ex, CameraView view, SnapshotQuery query, long t0) {
        String outcome = "ok";
        Reply reply;
        try {
            Snapshot s = view.snapshot(query.request());
            reply = success(ex, view, query, s);
        } catch (CameraUnavailableException e) {
            outcome = "unavailable";
            // 200: the rerobots client hands back the payload (with the message) only when res.ok.
            reply = new Reply(200, "application/json", CameraEnvelope.json(e.getMessage()));
        } catch (IllegalArgumentException e) {
            outcome = "bad_request";
            reply = new Reply(400, "application/json", CameraEnvelope.json(e.getMessage()));
        } catch (RuntimeException e) {
            outcome = "error";
            reply = internalError(view, e);
        }
        // Recorded before the reply goes out, so a client that reads /metrics next sees it.
        metrics.snapshot(query.reply().tag, outcome, System.nanoTime() - t0);
        send(ex, reply.status(), reply.type(), reply.body());
    }

    /** The borrower gets an id to quote; the class, message and stack stay in the server log. */
    private Reply internalError(CameraView view, RuntimeException e) {
        String ref = Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() >>> 16);
        log.error("event=cam_snapshot_failed camera={} ref={}", view.id(), ref, e);
        return new Reply(500, "application/json",
                CameraEnvelope.json("camera " + view.id() + ": snapshot failed (server error, reference " + ref + ")"));
    }

    /** Which body of a frame: the reply form and the image asked for. */
    private record BodyKey(SnapshotQuery.Reply reply, org.mistyproxy.camera.SnapshotRequest request) {}

    private Reply success(HttpServerExchange ex, CameraView view, SnapshotQuery query, Snapshot s) {
        ex.getResponseHeaders().put(SEQUENCE, Long.toString(s.sequence()));
        ex.getResponseHeaders().put(CAPTURED_AT, s.capturedAt().toString());
        ex.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        switch (query.reply()) {
            case RAW_JPEG:
                return new Reply(200, "image/jpeg", s.data());
            case NPY:
                ex.getResponseHeaders().put(Headers.CONTENT_DISPOSITION,
                        "inline; filename=\"camera-" + view.id() + "-" + s.sequence() + ".npy\"");
                return new Reply(200, "application/x-npy", s.data());
            case JSON_NDARRAY:
            default:
                // base64 and JSON once per frame and variant, shared by every client of that frame.
                return new Reply(200, "application/json",
                        s.memo().get(new BodyKey(query.reply(), query.request()), () -> jsonBody(query, s)));
        }
    }

    private byte[] jsonBody(SnapshotQuery query, Snapshot s) {
        try {
            return json.writeValueAsBytes(jsonTree(query, s));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> jsonTree(SnapshotQuery query, Snapshot s) {
        switch (query.reply()) {
            case JSON_NDARRAY: {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("success", true);
                body.put("format", "ndarray");
                body.put("coding", "base64");
                body.put("dtype", "uint8");
                body.put("shape", List.of(s.height(), s.width(), 3));
                body.put("data", Base64.getEncoder().encodeToString(s.data()));
                describe(body, s);
                return body;
            }
            default: {
                // Exactly the rerobots contract's keys first; the extra keys are additions.
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("success", true);
                body.put("format", "JPEG");
                body.put("coding", "base64");
                body.put("data", Base64.getEncoder().encodeToString(s.data()));
                describe(body, s);
                return body;
            }
        }
    }

    private static void describe(Map<String, Object> body, Snapshot s) {
        body.put("width", s.width());
        body.put("height", s.height());
        body.put("sequence", s.sequence());
        body.put("captured_at", s.capturedAt().toString());
    }

    void failure(HttpServerExchange ex, int status, String message) {
        CameraEnvelope.send(ex, status, message);
    }

    private static void send(HttpServerExchange ex, int status, String type, byte[] body) {
        ex.setStatusCode(status);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, type);
        ex.getResponseSender().send(ByteBuffer.wrap(body));
    }
}
