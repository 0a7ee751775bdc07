package org.mistyproxy.proxy.server;

/**
 * Bounds on a request that the listener enforces before any handler runs. Misty's REST paths and
 * queries are short and its headers few; a browser sends well under 8 KiB of head. Anything
 * larger is refused instead of being held in memory.
 */
public final class ServerLimits {
    /** Request line and headers together; beyond it Undertow answers 431 (or 400) and closes. */
    public static final int MAX_HEAD_BYTES = 32 * 1024;
    /** Header fields per request. */
    public static final int MAX_HEADERS = 100;
    /** Query parameters per request. */
    public static final int MAX_PARAMETERS = 200;
    /** Cookies per request (the proxy has no use for them). */
    public static final int MAX_COOKIES = 50;
    /**
     * Body bytes a request may send unless its handler raises the bound: the HTTP relay sets it to
     * what the policy allows for that request, the control API to 64 KiB.
     */
    public static final long MAX_ENTITY_BYTES = 1024 * 1024;

    private ServerLimits() {}
}
