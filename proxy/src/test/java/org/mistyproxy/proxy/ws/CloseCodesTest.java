package org.mistyproxy.proxy.ws;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CloseCodesTest {

    @Test
    void closeCodesThatOnlyDescribeWhatWasObservedAreNeverSent() {
        for (int code : new int[] {1005, 1006, 1015, 999, 5000, 1004}) {
            assertFalse(CloseCodes.sendable(code), String.valueOf(code));
        }
        for (int code : new int[] {1000, 1001, 1008, 1011, 3000, 4999}) {
            assertTrue(CloseCodes.sendable(code), String.valueOf(code));
        }
        String reason = CloseCodes.reason("é".repeat(100));
        assertTrue(reason.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 123, reason);
    }
}
