package org.mistyproxy.proxy.control;

import org.mistyproxy.proxy.instances.InstanceException;

/** A control-API refusal: the status, and the message the {@code {"error_message": ...}} envelope carries. */
public final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final boolean withResult;

    private ApiError(int status, String message, boolean withResult) {
        super(message, null, false, false);
        this.status = status;
        this.withResult = withResult;
    }

    /** {@code {"error_message": message}}. */
    public static ApiError of(int status, String message) {
        return new ApiError(status, message, false);
    }

    /**
     * Both {@code result_message} (what the client reads on {@code /new} and {@code /terminate})
     * and {@code error_message} (every error body has one).
     */
    static ApiError result(int status, String message) {
        return new ApiError(status, message, true);
    }

    /** The HTTP answer to a refusal of the instance registry (the statuses the contract and README name). */
    public static ApiError of(InstanceException e) {
        return switch (e.reason()) {
            case NOT_FOUND -> of(404, e.getMessage());
            case NO_SUCH_DEPLOYMENT -> result(404, e.getMessage());
            case BUSY -> result(503, e.getMessage());
            case ALREADY_ENDED -> result(400, e.getMessage());
            case NOT_READY, NO_CAMERAS -> of(400, e.getMessage());
            case ALREADY_ACTIVE -> of(503, e.getMessage());
            case NOT_ACTIVE -> of(404, e.getMessage());
            case REFUSED, LOCKED -> result(403, e.getMessage());
            case RESERVATION_NOT_FOUND -> of(404, e.getMessage());
        };
    }

    public int status() {
        return status;
    }

    /** Whether the body also has {@code result_message}. */
    boolean withResult() {
        return withResult;
    }
}
