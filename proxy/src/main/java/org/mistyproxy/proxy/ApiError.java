package org.mistyproxy.proxy;

import java.util.LinkedHashMap;
import java.util.Map;

/** A control-API refusal: the status and the JSON body the contract asks for. */
final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final transient Map<String, Object> body;

    private ApiError(int status, Map<String, Object> body, String message) {
        super(message, null, false, false);
        this.status = status;
        this.body = body;
    }

    /** {@code {"error_message": message}}. */
    static ApiError of(int status, String message) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("error_message", message);
        return new ApiError(status, b, message);
    }

    /**
     * Both {@code result_message} (what the client reads on {@code /new} and {@code /terminate})
     * and {@code error_message} (every error body has one).
     */
    static ApiError result(int status, String message) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("result_message", message);
        b.put("error_message", message);
        return new ApiError(status, b, message);
    }

    static ApiError wrongToken() {
        return of(401, "wrong authorization token");
    }

    static ApiError instanceNotFound() {
        return of(404, "instance not found");
    }

    int status() {
        return status;
    }

    Map<String, Object> body() {
        return body;
    }
}
