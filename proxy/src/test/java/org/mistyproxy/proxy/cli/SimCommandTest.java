package org.mistyproxy.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.mistyproxy.proxy.Main;

class SimCommandTest {
    @Test
    void helpExitsZero() {
        assertEquals(0, Main.run("sim", "--help"));
    }

    @Test
    void badUsageExitsTwo() {
        assertEquals(2, Main.run("sim", "--port", "70000"));
        assertEquals(2, Main.run("sim", "--port", "ninety"));
        assertEquals(2, Main.run("sim", "--bogus"));
    }
}
