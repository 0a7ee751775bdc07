package org.mistyproxy.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
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

    @Test
    void aTakenPortFailsWithTheReason() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            StringWriter err = new StringWriter();
            int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "sim", "--port", String.valueOf(taken.getLocalPort()));
            assertEquals(1, code);
            assertTrue(err.toString().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), err.toString());
        }
    }
}
