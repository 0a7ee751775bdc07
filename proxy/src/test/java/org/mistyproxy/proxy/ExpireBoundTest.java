package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.proxy.Rig.Api;
import org.mistyproxy.proxy.Rig.Resp;
import org.mistyproxy.proxy.server.ProxyServer;
import org.mistyproxy.sim.Simulator;

/**
 * Huge numbers in {@code POST /new} (issue 10, item 8), over real sockets: {@code expire_d} above
 * one year is refused with a clear message and creates nothing (2^63-1 used to overflow into an
 * instance that expired at once); a year exactly is accepted and expires a year from now.
 */
class ExpireBoundTest {
    private static final long YEAR = 365L * 24 * 3600;

    @TempDir Path dir;
    private Simulator robot;
    private ProxyServer server;
    private Deployment misty;
    private Api ursula;

    @BeforeEach
    void start() throws Exception {
        robot = Simulator.start("127.0.0.1", 0);
        misty = Rig.deployment("fixed_misty2", robot.port());
        server = ProxyServer.start(Rig.config(dir, List.of(misty)), Rig.fast());
        ursula = Api.of(server.publicBaseUrl(), Rig.URSULA);
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
        robot.close();
    }

    @Test
    void expireBeyondAYearIsRefusedAndCreatesNothing() {
        for (String huge : List.of("9223372036854775807", "18446744073709551616", "1e30", "31536001",
                "99999999999999999999999999999999999999")) {
            Resp r = ursula.post("/new/" + misty.id(), "{\"expire_d\": " + huge + "}");
            assertEquals(400, r.status(), huge + ": " + r);
            assertEquals("expire_d must be at most 31536000 seconds (one year), got " + huge
                    .replace("1e30", "1.0E30"), r.errorMessage(), huge);
            assertEquals(r.errorMessage(), r.json().get("result_message").asText());
        }
        for (String bad : List.of("-9223372036854775808", "0", "1.5", "\"60\"")) {
            Resp r = ursula.post("/new/" + misty.id(), "{\"expire_d\": " + bad + "}");
            assertEquals(400, r.status(), bad + ": " + r);
            assertTrue(r.errorMessage().startsWith("expire_d must be a positive whole number of seconds, got "),
                    r.errorMessage());
        }
        assertEquals(0, ursula.get("/instances").json().get("workspace_instances").size());
        assertEquals(List.of(), SafetyRig.borrowers(robot));
    }

    /** ISO-8601 or the rerobots form {@code 2019-07-28 23:26:16.983048} (UTC). */
    private static Instant instant(String s) {
        String iso = s.replace(' ', 'T');
        return Instant.parse(iso.endsWith("Z") ? iso : iso + "Z");
    }

    @Test
    void exactlyAYearIsAcceptedAndExpiresAYearFromNow() {
        long before = System.currentTimeMillis();
        Resp r = ursula.post("/new/" + misty.id(), "{\"expire_d\": " + YEAR + "}");
        assertEquals(200, r.status(), r.toString());
        String iid = r.json().get("id").asText();
        ursula.awaitStatus(iid, "READY");
        long expires = instant(ursula.get("/instance/" + iid).json().get("expires").asText()).toEpochMilli();
        assertTrue(expires >= before + YEAR * 1000 && expires <= System.currentTimeMillis() + YEAR * 1000,
                "expires " + Instant.ofEpochMilli(expires));
    }
}
