package org.mistyproxy.proxy.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OriginCheckTest {
    private static final List<String> LISTED = List.of("https://lab.example.org", "http://127.0.0.1:8000");

    @Test
    void scriptsWithoutOriginAndWildcardDeploymentsPass() {
        assertTrue(OriginCheck.allowed(null, LISTED));
        assertTrue(OriginCheck.allowed("http://anything.example", List.of("*")));
        assertTrue(OriginCheck.allowed("null", List.of("*")));
    }

    @Test
    void originsCompareAsSchemeHostPortIgnoringCaseAndDefaultPorts() {
        assertTrue(OriginCheck.allowed("https://LAB.example.org:443", LISTED));
        assertTrue(OriginCheck.allowed("http://127.0.0.1:8000", LISTED));
        assertFalse(OriginCheck.allowed("http://lab.example.org", LISTED), "scheme differs");
        assertFalse(OriginCheck.allowed("http://127.0.0.1:8001", LISTED), "port differs");
        assertFalse(OriginCheck.allowed("https://lab.example.org.evil.example", LISTED));
        assertFalse(OriginCheck.allowed("null", LISTED), "opaque origins match only *");
        assertFalse(OriginCheck.allowed("not a url", LISTED));
        assertEquals("https://lab.example.org", OriginCheck.normalise("https://Lab.Example.org:443"));
    }

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
