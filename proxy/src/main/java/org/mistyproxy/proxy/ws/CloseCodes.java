package org.mistyproxy.proxy.ws;

import java.nio.charset.StandardCharsets;

/** Which close codes may be put on the wire, and reasons cut to what a close frame can hold. */
final class CloseCodes {
    static final int NORMAL = 1000;
    static final int GOING_AWAY = 1001;
    static final int POLICY = 1008;
    static final int INTERNAL = 1011;

    private CloseCodes() {}

    /**
     * 1005, 1006 and 1015 only describe what a peer observed and must never be sent (RFC 6455
     * §7.4.1); anything else outside the registered and private ranges is a protocol error.
     */
    static boolean sendable(int code) {
        if (code >= 3000 && code <= 4999) {
            return true;
        }
        return code >= 1000 && code <= 1014 && code != 1004 && code != 1005 && code != 1006;
    }

    /** A close frame's payload is at most 125 bytes, two of which are the code. */
    static String reason(String reason) {
        if (reason == null) {
            return "";
        }
        byte[] utf8 = reason.getBytes(StandardCharsets.UTF_8);
        if (utf8.length <= 123) {
            return reason;
        }
        int end = Math.min(reason.length(), 123);
        while (end > 0 && reason.substring(0, end).getBytes(StandardCharsets.UTF_8).length > 120) {
            end--;
        }
        return reason.substring(0, end) + "...";
    }
}
