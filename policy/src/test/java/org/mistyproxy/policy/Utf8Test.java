package org.mistyproxy.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The byte-level UTF-8 check that guards every JSON body and message. */
class Utf8Test {
    private static byte[] hex(String h) {
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "7B7D,           ok",
        "C3A9,           ok",
        "E282AC,         ok",
        "F09F9880,       ok",
        "F48FBFBF,       ok",
        "00,             contains a NUL byte",
        "7B0022,         contains a NUL byte",
        "C080,           not valid UTF-8",
        "C1BF,           not valid UTF-8",
        "E08080,         not valid UTF-8",
        "E09F80,         not valid UTF-8",
        "EDA080,         not valid UTF-8",
        "F08F8080,       not valid UTF-8",
        "F4908080,       not valid UTF-8",
        "F5808080,       not valid UTF-8",
        "E282,           not valid UTF-8",
        "80,             not valid UTF-8",
        "C3C3,           not valid UTF-8",
        "EFBBBF7B7D,     starts with a byte-order mark",
    })
    void validatesStrictly(String bytes, String expected) {
        String problem = Utf8.problem(hex(bytes));
        if (expected.equals("ok")) {
            assertNull(problem);
        } else {
            assertEquals(expected, problem);
        }
    }

    @Test
    void utf16JsonIsRefusedNotAutoDetected() {
        LenientJson json = new LenientJson();
        assertEquals("contains a NUL byte", json.parse("{\"a\":1}".getBytes(StandardCharsets.UTF_16LE)).error());
    }

    @Test
    void unknownShippedPolicyNamesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Policy.shipped("misty-unsafe"));
        assertEquals("no shipped policy named \"misty-unsafe\" (there are allow-all, misty-safe, misty-readonly)",
                e.getMessage());
    }
}
