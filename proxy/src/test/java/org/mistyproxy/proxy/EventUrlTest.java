package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.proxy.Rig.Api;
import org.mistyproxy.proxy.Rig.Resp;
import org.mistyproxy.proxy.server.ProxyServer;
import org.mistyproxy.sim.Simulator;

/** Event URLs: only http(s), bounded, never at a robot; a failing receiver is retried, counted and never holds up the lifecycle. */
class EventUrlTest {
    @TempDir Path dir;

    @Test
    void badEventUrlsAreRefusedWithAReason() throws Exception {
        try (Simulator robot = Simulator.start("127.0.0.1", 0)) {
            Deployment d = Rig.deployment("fixed_misty2", robot.port());
            try (ProxyServer server = ProxyServer.start(Rig.config(dir, List.of(d)), Rig.fast())) {
                Api ursula = Api.of(server.publicBaseUrl(), Rig.URSULA);
                assertEquals("eurl must be an http or https URL, got scheme `ftp`", refused(ursula, d, "ftp://example.org/x"));
                assertEquals("eurl must be an http or https URL, got scheme ``", refused(ursula, d, "/relative/hook"));
                assertEquals("eurl must name a host, e.g. https://example.org/hook", refused(ursula, d, "http:///nohost"));
                assertEquals("eurl is longer than 2048 characters", refused(ursula, d, "http://example.org/" + "a".repeat(2048)));
                assertTrue(refused(ursula, d, "http://exa mple.org/").startsWith("eurl is not a valid URL: "));
                assertEquals("eurl must not carry a user name or password; put a secret in the path or query",
                        refused(ursula, d, "https://me:pw@example.org/hook"));
                // the robot's API has no authentication: an eurl must not be a way around the policy
                String robotAt = "eurl must not point at a robot (127.0.0.1:" + robot.port() + "): its API has no authentication";
                assertEquals(robotAt, refused(ursula, d, "http://127.0.0.1:" + robot.port() + "/api/reboot"));
                assertEquals(robotAt, refused(ursula, d, "http://localhost:" + robot.port() + "/api/reboot"), "names are resolved");
                assertEquals(0, GovRig.hits(robot, "/api/device"), "nothing was created");
                assertEquals(0, GovRig.hits(robot, "/api/reboot"));
            }
        }
    }

    private static String refused(Api who, Deployment d, String eurl) {
        Resp r = who.post("/new/" + d.id(), "{\"eurl\": \"" + eurl + "\"}");
        assertEquals(400, r.status(), r.body());
        return r.json().get("result_message").asText();
    }

    @Test
    void aFailingReceiverIsRetriedAndCountedWithoutHoldingUpTheLifecycleOrLeakingItsQuery() throws Exception {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (Simulator robot = Simulator.start("127.0.0.1", 0); EventReceiver receiver = new EventReceiver()) {
            receiver.answer(500);
            Deployment d = Rig.deployment("fixed_misty2", robot.port());
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try (ProxyServer server = ProxyServer.start(Rig.config(dir, List.of(d)), Rig.fast())) {
                Api ursula = Api.of(server.publicBaseUrl(), Rig.URSULA);
                String iid = ursula.post("/new/" + d.id(), "{\"eurl\": \"" + receiver.url("hook") + "\"}").json().get("id").asText();
                ursula.awaitStatus(iid, "READY"); // while the receiver keeps failing
                assertEquals(200, ursula.post("/terminate/" + iid).status());
                Rig.await(() -> metric(server, "mistyproxy_eurl_posts_total{outcome=\"failed\"}") >= 4, Duration.ofSeconds(20),
                        () -> "4 failed POSTs (INIT, READY, TERMINATING, TERMINATED): " + metric(server, "mistyproxy_eurl_posts_total{outcome=\"failed\"}"));
                assertEquals(16, receiver.statuses("hook", iid).size(), "4 attempts for each of 4 changes: " + receiver.statuses("hook", iid));
                assertEquals(List.of("instance:INIT", "instance:INIT", "instance:INIT", "instance:INIT", "instance:READY"),
                        receiver.statuses("hook", iid).subList(0, 5), "one change's retries before the next change");
                assertEquals(12.0, metric(server, "mistyproxy_eurl_retries_total"));
                assertEquals(0.0, metric(server, "mistyproxy_eurl_posts_total{outcome=\"delivered\"}"));
            }
        } finally {
            System.setErr(err);
        }
        String logged = captured.toString(StandardCharsets.UTF_8);
        assertTrue(logged.contains("event=eurl_failed kind=instance"), logged);
        assertFalse(logged.contains("s3cr3t"), "the query string of an eurl is never logged");
    }

    private static double metric(ProxyServer server, String series) {
        String text = Rig.fetch(server.publicBaseUrl() + "/metrics").body();
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) return Double.parseDouble(line.substring(series.length() + 1).trim());
        }
        return -1;
    }
}
