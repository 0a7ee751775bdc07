package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.ConfigLoader;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.proxy.ConfigFile.Robot;
import org.mistyproxy.proxy.ConfigFile.User;
import org.mistyproxy.proxy.Rig.Api;
import org.mistyproxy.proxy.Rig.Resp;
import org.mistyproxy.proxy.server.ProxyServer;
import org.mistyproxy.sim.Simulator;

/**
 * Waiting reservations that can never be served are cancelled: a user a reload removes loses theirs
 * (and their event URL hears nothing), a user the access rules now forbid every deployment a
 * reservation could take loses it (its event URL hears {@code CANCELLED} with the reason); neither
 * comes back when the decision is undone, and neither ever reaches the robot.
 */
class ForbiddenReservationsTest {
    static final User OLIVE = new User("olive", "owner", Rig.OWNER);
    static final User URSULA = new User("ursula", "user", Rig.URSULA);
    static final User VICTOR = new User("victor", "user", Rig.VICTOR);
    static final User WENDY = new User("wendy", "user", GovRig.WENDY);

    @TempDir Path dir;
    Simulator robot;
    EventReceiver receiver;

    @BeforeEach
    void start() throws Exception {
        robot = Simulator.start("127.0.0.1", 0);
        receiver = new EventReceiver();
    }

    @AfterEach
    void stop() {
        receiver.close();
        robot.close();
    }

    private String reserve(Api who, String target, String eurlName) {
        Resp r = who.post("/new/" + target, "{\"reserve\": true, \"eurl\": \"" + receiver.url(eurlName) + "\"}");
        assertEquals(200, r.status(), r.body());
        assertFalse(r.json().get("success").asBoolean(), r.body());
        return r.json().get("id").asText();
    }

    private static List<String> reservations(Api a) {
        return UseQueueTest.idsOf(a.get("/reservations").json().get("reservations"));
    }

    private static int queuelen(Api a, String deployment) {
        return a.get("/queuelen/" + deployment).json().get("queuelen").asInt();
    }

    /** The users of every instance the owner sees, ended ones included. */
    private static List<String> instanceUsers(Api owner) {
        List<String> users = new ArrayList<>();
        for (JsonNode iid : owner.get("/instances?include_terminated").json().get("workspace_instances")) {
            users.add(owner.get("/instance/" + iid.asText()).json().get("user").asText());
        }
        return users;
    }

    @Test
    void aUserAReloadRemovesLosesTheirReservationAndTheirEventUrlHearsNothing() throws Exception {
        ConfigFile file = new ConfigFile(dir);
        Robot misty = new Robot(UUID.randomUUID(), robot.port(), null);
        file.write(List.of(OLIVE, URSULA, VICTOR, WENDY), List.of(misty));
        try (ProxyServer server = ProxyServer.start(ConfigLoader.load(file.path()), Rig.fast())) {
            String base = server.publicBaseUrl();
            Api owner = Api.of(base, Rig.OWNER);
            Api ursula = Api.of(base, Rig.URSULA);
            Api victor = Api.of(base, Rig.VICTOR);
            Api wendy = Api.of(base, GovRig.WENDY);
            String wd = misty.id().toString();
            String held = ursula.ready(wd);
            String rv = reserve(victor, wd, "victor");
            String rw = reserve(wendy, wd, "wendy");
            assertEquals(3, queuelen(owner, wd));

            file.write(List.of(OLIVE, URSULA, WENDY), List.of(misty));
            Resp reload = owner.post("/reload");
            assertEquals(200, reload.status(), reload.body());
            assertEquals(List.of(rw), reservations(owner), "victor's reservation " + rv + " is gone at once");
            assertEquals(2, queuelen(owner, wd));
            assertEquals(401, victor.get("/reservations").status());

            // the robot frees: wendy, behind victor, is served; victor never is
            long inits = GovRig.hits(robot, "/api/device");
            assertEquals(200, ursula.post("/terminate/" + held).status());
            receiver.await("wendy", rw, "reservation:SERVED");
            String wi = wendy.get("/instances").json().get("workspace_instances").get(0).asText();
            receiver.await("wendy", wi, "instance:READY");
            assertEquals(List.of("ursula", "wendy"), instanceUsers(owner));
            assertEquals(inits + 1, GovRig.hits(robot, "/api/device"), "only wendy's instance reached the robot");
            // victor's eurl POSTs would have been queued at the reload, long before wendy's READY arrived
            assertEquals(List.of(), receiver.posts("victor"), "a removed user's eurl hears nothing");

            // victor comes back: the old reservation does not
            file.write(List.of(OLIVE, URSULA, VICTOR, WENDY), List.of(misty));
            assertEquals(200, owner.post("/reload").status());
            assertEquals(List.of(), reservations(victor));
            assertEquals(200, wendy.post("/terminate/" + wi).status());
            assertEquals(0, queuelen(owner, wd), "free, nobody waits");
            assertEquals(List.of("ursula", "wendy"), instanceUsers(owner));
            assertEquals(List.of(), receiver.posts("victor"));
        }
    }

    @Test
    void aReservationForADeploymentAReloadRemovedIsCancelledWithTheReason() throws Exception {
        ConfigFile file = new ConfigFile(dir);
        Robot kept = new Robot(UUID.randomUUID(), robot.port(), null);
        Robot removed = new Robot(UUID.randomUUID(), robot.port(), null);
        file.write(List.of(OLIVE, URSULA, VICTOR), List.of(kept, removed));
        try (ProxyServer server = ProxyServer.start(ConfigLoader.load(file.path()), Rig.fast())) {
            String base = server.publicBaseUrl();
            Api owner = Api.of(base, Rig.OWNER);
            Api ursula = Api.of(base, Rig.URSULA);
            Api victor = Api.of(base, Rig.VICTOR);
            String held = ursula.ready(removed.id().toString());
            String rv = reserve(victor, removed.id().toString(), "victor");

            file.write(List.of(OLIVE, URSULA, VICTOR), List.of(kept));
            assertEquals(200, owner.post("/reload").status());
            assertEquals("TERMINATED", ursula.status(held));
            receiver.await("victor", rv, "reservation:CANCELLED");
            assertEquals(List.of(), reservations(victor), "it does not wait for a robot that is gone");
            assertEquals("no deployment it could take is in the configuration any more",
                    receiver.posts("victor").get(0).body().get("reason").asText());
            assertEquals(List.of("reservation:CANCELLED"), receiver.statuses("victor", rv), "never SERVED");
            assertEquals(List.of("ursula"), instanceUsers(owner), "nothing was made for victor");
        }
    }

    @Test
    void aReservationTheRulesNowForbidIsCancelledWithTheReasonAndNeverServed() throws Exception {
        Deployment misty = Rig.deployment("fixed_misty2", robot.port());
        try (ProxyServer server = ProxyServer.start(GovRig.config(dir, List.of(misty)), Rig.fast())) {
            String base = server.publicBaseUrl();
            Api owner = Api.of(base, Rig.OWNER);
            Api ursula = Api.of(base, Rig.URSULA);
            Api victor = Api.of(base, Rig.VICTOR);
            String wd = misty.id().toString();
            String held = ursula.ready(wd);
            String rv = reserve(victor, wd, "victor");
            String rule = "/deployment/" + wd + "/rule";
            assertEquals(200, owner.post(rule, "{\"cap\": \"CAP_INSTANTIATE\", \"user\": \"*\"}").status());
            assertEquals(List.of(rv), reservations(victor), "still permitted: still waiting");

            int deny = owner.post(rule, "{\"cap\": \"CAP_NO_INSTANTIATE\", \"user\": \"victor\"}").json().get("rule_id").asInt();
            assertEquals(List.of(), reservations(victor), "cancelled when the rule was made");
            assertEquals(List.of(), reservations(owner));
            assertEquals(1, queuelen(owner, wd), "held, nobody waits");
            receiver.await("victor", rv, "reservation:CANCELLED");
            String reason = receiver.posts("victor").get(0).body().get("reason").asText();
            assertTrue(reason.startsWith("deployment " + wd + " may not be instantiated by victor: refused by access rule " + deny
                    + " (CAP_NO_INSTANTIATE for victor"), reason);

            // lifting the deny does not revive it; the robot frees for nobody
            assertEquals(200, owner.delete(rule + "/" + deny).status());
            long inits = GovRig.hits(robot, "/api/device");
            assertEquals(200, ursula.post("/terminate/" + held).status());
            assertEquals(0, queuelen(owner, wd));
            assertEquals(List.of("ursula"), instanceUsers(owner));
            assertEquals(inits, GovRig.hits(robot, "/api/device"), "nothing of victor's reached the robot");
            assertEquals(List.of("reservation:CANCELLED"), receiver.statuses("victor", rv), "never SERVED");
        }
    }

    @Test
    void aReservationForATypeStaysWhileOneDeploymentOfTheTypeIsPermitted() throws Exception {
        Deployment a = Rig.deployment("fixed_misty2", robot.port());
        Deployment b = Rig.deployment("fixed_misty2", robot.port());
        try (ProxyServer server = ProxyServer.start(GovRig.config(dir, List.of(a, b)), Rig.fast())) {
            String base = server.publicBaseUrl();
            Api owner = Api.of(base, Rig.OWNER);
            Api ursula = Api.of(base, Rig.URSULA);
            Api victor = Api.of(base, Rig.VICTOR);
            Api wendy = Api.of(base, GovRig.WENDY);
            ursula.ready(a.id().toString());
            wendy.ready(b.id().toString());
            String rv = reserve(victor, "fixed_misty2", "victor");
            String denyVictor = "{\"cap\": \"CAP_NO_INSTANTIATE\", \"user\": \"victor\"}";
            assertEquals(200, owner.post("/deployment/" + a.id() + "/rule", denyVictor).status());
            assertEquals(List.of(rv), reservations(victor), "b may still serve it");
            assertEquals(200, owner.post("/deployment/" + b.id() + "/rule", denyVictor).status());
            assertEquals(List.of(), reservations(victor), "no deployment of the type may: cancelled");
            receiver.await("victor", rv, "reservation:CANCELLED");
        }
    }
}
