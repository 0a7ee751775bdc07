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
        if (ex.isInIoThread()) {
            // The first snapshot after activation may wait for the first frame: not on an IO thread.
            ex.dispatch(() -> serve(ex, view, query));
            return;
        }
        serve(ex, view, query);
    }

    private record Reply(int status, String type, byte[] body) {}

    private void serve(HttpServerExchange ex, CameraView view, SnapshotQuery query) {
        long t0 = System.nanoTime();
        String outcome = "ok";
        Reply reply;
        try {
            Snapshot s = view.snapshot(query.request());
            ex.getResponseHeaders().put(SEQUENCE, Long.toString(s.sequence()));
            ex.getResponseHeaders().put(CAPTURED_AT, s.capturedAt().toString());
            ex.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
            reply = success(ex, view, query, s);
        } catch (CameraUnavailableException e) {
            outcome = "unavailable";
            // 200: the rerobots client hands back the payload (with the message) only when res.ok.
            reply = new Reply(200, "application/json", CameraEnvelope.json(e.getMessage()));
        } catch (IllegalArgumentException e) {
            outcome = "bad_request";
            reply = new Reply(400, "application/json", CameraEnvelope.json(e.getMessage()));
        } catch (Exception e) {
            outcome = "error";
            reply = new Reply(500, "application/json", CameraEnvelope.json("camera " + view.id() + ": snapshot failed: " + e));
        }
        // Recorded before the reply goes out, so a client that reads /metrics next sees it.
        metrics.snapshot(query.reply().tag, outcome, System.nanoTime() - t0);
        send(ex, reply.status(), reply.type(), reply.body());
    }

    private Reply success(HttpServerExchange ex, CameraView view, SnapshotQuery query, Snapshot s)
            throws com.fasterxml.jackson.core.JsonProcessingException {
        switch (query.reply()) {
            case RAW_JPEG:
                return new Reply(200, "image/jpeg", s.data());
            case NPY:
                ex.getResponseHeaders().put(Headers.CONTENT_DISPOSITION,
                        "inline; filename=\"camera-" + view.id() + "-" + s.sequence() + ".npy\"");
                return new Reply(200, "application/x-npy", s.data());
            case JSON_NDARRAY: {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("success", true);
                body.put("format", "ndarray");
                body.put("coding", "base64");
                body.put("dtype", "uint8");
                body.put("shape", List.of(s.height(), s.width(), 3));
                body.put("data", Base64.getEncoder().encodeToString(s.data()));
                describe(body, s);
                return new Reply(200, "application/json", json.writeValueAsBytes(body));
            }
            default: {
                // Exactly the rerobots contract's keys first; the extra keys are additions.
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("success", true);
                body.put("format", "JPEG");
                body.put("coding", "base64");
                body.put("data", Base64.getEncoder().encodeToString(s.data()));
                describe(body, s);
                return new Reply(200, "application/json", json.writeValueAsBytes(body));
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
