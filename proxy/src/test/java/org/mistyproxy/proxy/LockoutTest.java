package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.MistyProxyConfig;
import org.mistyproxy.proxy.Rig.Api;
import org.mistyproxy.proxy.instances.Lockouts;
import org.mistyproxy.proxy.server.ProxyServer;
import org.mistyproxy.proxy.Rig.Resp;
import org.mistyproxy.sim.Simulator;

/**
 * Lock-out: no new instance, the live one goes on, durable; automatic locks never lift an owner's;
 * {@code mistyproxy_deployment_locked{by}} follows both kinds.
 */
class LockoutTest {
    @TempDir Path dir;
    Simulator robot;
    Deployment misty;
    MistyProxyConfig config;

    @BeforeEach
    void start() {
        robot = Simulator.start("127.0.0.1", 0);
        misty = Rig.deployment("fixed_misty2", robot.port());
        config = Rig.config(dir, List.of(misty));
    }

    @AfterEach
    void stop() {
        robot.close();
    }

    /**
     * {@code mistyproxy_deployment_locked{by, deployment}} from {@code /metrics}; fails when the
     * series is absent (both exist for every configured deployment, 0 while unlocked).
     */
    static double lockedGauge(String base, Deployment d, String by) {
        String series = "mistyproxy_deployment_locked{by=\"" + by + "\",deployment=\"" + d.id() + "\"} ";
        String scrape = Rig.fetch(base + "/metrics").body();
        for (String line : scrape.split("\n")) {
            if (line.startsWith(series)) return Double.parseDouble(line.substring(series.length()).trim());
        }
        throw new AssertionError("no " + series + "in /metrics:\n" + scrape);
    }

    @Test
    void aLockedDeploymentRefusesNewInstancesButTheLiveOneGoesOn() throws Exception {
        String lockPath = "/deployment/" + misty.id() + "/lockout";
        try (ProxyServer server = ProxyServer.start(config, Rig.fast())) {
            String base = server.publicBaseUrl();
            Api owner = Api.of(base, Rig.OWNER);
            Api ursula = Api.of(base, Rig.URSULA);
            Api victor = Api.of(base, Rig.VICTOR);
            String iid = ursula.ready(misty.id().toString());
            String url = ursula.activate(iid);

            assertEquals(403, ursula.post(lockPath).status(), "only owners lock");
            assertEquals(0.0, lockedGauge(base, misty, "owner"));
            assertEquals(0.0, lockedGauge(base, misty, "health"));
            assertEquals(200, owner.post(lockPath, "{\"reason\": \"charging until noon\"}").status());
            assertEquals(1.0, lockedGauge(base, misty, "owner"));
            assertEquals(0.0, lockedGauge(base, misty, "health"));
            JsonNode info = owner.get("/deployment/" + misty.id()).json();
            assertTrue(info.get("lockout").asBoolean());
            assertEquals("charging until noon", info.get("lockout_reason").asText());
            assertEquals("owner", info.get("lockout_by").asText());
            JsonNode seenByUser = ursula.get("/deployment/" + misty.id()).json();
            assertTrue(seenByUser.get("lockout").asBoolean());
            assertFalse(seenByUser.has("lockout_reason"), "the reason is the owner's business");

            assertEquals(200, Rig.fetch(url + "/api/device").status(), "the live instance goes on");
            assertEquals(200, ursula.post("/terminate/" + iid).status());
            long inits = GovRig.hits(robot, "/api/device");
            Resp refused = victor.post("/new/" + misty.id());
            assertEquals(403, refused.status(), refused.body());
            assertEquals("deployment " + misty.id() + " is locked out by its owner: charging until noon",
                    refused.json().get("result_message").asText());
            assertEquals(inits, GovRig.hits(robot, "/api/device"), "a refused POST /new never reaches the robot");
            assertEquals(400, owner.post(lockPath, "{\"why\": \"x\"}").status());
        }
        try (ProxyServer again = ProxyServer.start(config, Rig.fast())) {
            Api owner = Api.of(again.publicBaseUrl(), Rig.OWNER);
            Api victor = Api.of(again.publicBaseUrl(), Rig.VICTOR);
            assertTrue(owner.get("/deployment/" + misty.id()).json().get("lockout").asBoolean(), "a lock-out is durable");
            assertEquals(403, victor.post("/new/" + misty.id()).status());

            // the health probe's lock: an automatic unlock never lifts the owner's lock
            Lockouts lockouts = again.lockouts();
            String base = again.publicBaseUrl();
            assertEquals(1.0, lockedGauge(base, misty, "owner"), "the gauge follows the durable lock across a restart");
            lockouts.lock(misty.id(), "battery at 9 %", Lockouts.By.AUTO);
            assertEquals(1.0, lockedGauge(base, misty, "owner"));
            assertEquals(1.0, lockedGauge(base, misty, "health"), "both kinds of lock at once");
            assertFalse(lockouts.unlock(misty.id(), Lockouts.By.AUTO));
            assertEquals(1.0, lockedGauge(base, misty, "owner"));
            assertEquals(0.0, lockedGauge(base, misty, "health"));
            assertEquals("charging until noon", owner.get("/deployment/" + misty.id()).json().get("lockout_reason").asText());
            lockouts.lock(misty.id(), "battery at 9 %", Lockouts.By.AUTO);
            assertEquals(200, owner.delete(lockPath).status(), "the owner's unlock lifts every lock");
            assertFalse(owner.get("/deployment/" + misty.id()).json().get("lockout").asBoolean());
            assertEquals(0.0, lockedGauge(base, misty, "owner"));
            assertEquals(0.0, lockedGauge(base, misty, "health"));
            victor.ready(misty.id().toString());

            // an automatic lock alone is lifted automatically
            lockouts.lock(misty.id(), "robot did not answer 3 probes", Lockouts.By.AUTO);
            JsonNode info = owner.get("/deployment/" + misty.id()).json();
            assertEquals("health", info.get("lockout_by").asText());
            assertEquals(0.0, lockedGauge(base, misty, "owner"));
            assertEquals(1.0, lockedGauge(base, misty, "health"));
            assertTrue(lockouts.unlock(misty.id(), Lockouts.By.AUTO));
            assertEquals(0.0, lockedGauge(base, misty, "health"));
        }
    }
}
