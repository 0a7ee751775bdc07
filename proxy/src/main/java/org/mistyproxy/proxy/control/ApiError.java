package org.mistyproxy.proxy.control;

import java.util.LinkedHashMap;
import java.util.Map;

/** A control-API refusal: the status and the JSON body the contract asks for. */
public final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final transient Map<String, Object> body;

    private ApiError(int status, Map<String, Object> body, String message) {
        super(message, null, false, false);
        this.status = status;
        this.body = body;
    }

    /** {@code {"error_message": message}}. */
    public static ApiError of(int status, String message) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("error_message", message);
        return new ApiError(status, b, message);
    }

    /**
     * Both {@code result_message} (what the client reads on {@code /new} and {@code /terminate})
     * and {@code error_message} (every error body has one).
     */
    public static ApiError result(int status, String message) {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("result_message", message);
        b.put("error_message", message);
        return new ApiError(status, b, message);
    }

    public static ApiError wrongToken() {
        return of(401, "wrong authorization token");
    }

    public static ApiError instanceNotFound() {
        return of(404, "instance not found");
    }

    public int status() {
        return status;
    }

    public Map<String, Object> body() {
        return body;
    }
}
