package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.MistyProxyConfig;
import org.mistyproxy.proxy.Rig.Api;
import org.mistyproxy.proxy.server.ProxyServer;
import org.mistyproxy.proxy.Rig.Resp;
import org.mistyproxy.sim.Simulator;

/** The use-queue: reservations wait first-come first-served and become instances when the robot frees; eurls hear of it. */
class UseQueueTest {
    @TempDir Path dir;
    Simulator robot;
    Deployment misty;
    MistyProxyConfig config;
    EventReceiver receiver;

    @BeforeEach
    void start() throws Exception {
        robot = Simulator.start("127.0.0.1", 0);
        misty = Rig.deployment("fixed_misty2", robot.port());
        config = GovRig.config(dir, List.of(misty));
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

    private static int queuelen(Api a, Deployment d) {
        return a.get("/queuelen/" + d.id()).json().get("queuelen").asInt();
    }

    /** The one live instance of {@code who}, awaited. */
    private static String awaitInstance(Api who) {
        Rig.await(() -> who.get("/instances").json().get("workspace_instances").size() == 1, Duration.ofSeconds(10),
                () -> "an instance for " + who.token() + ": " + who.get("/instances").body());
        return who.get("/instances").json().get("workspace_instances").get(0).asText();
    }

    @Test
    void twoUsersQueueBehindAThirdAndGetTheRobotInOrder() throws Exception {
        try (ProxyServer server = ProxyServer.start(config, Rig.fast())) {
            String base = server.publicBaseUrl();
            Api owner = Api.of(base, Rig.OWNER);
            Api wendy = Api.of(base, GovRig.WENDY);
            Api ursula = Api.of(base, Rig.URSULA);
            Api victor = Api.of(base, Rig.VICTOR);
            assertEquals(0, queuelen(ursula, misty), "free and nobody waits");

            String held = wendy.ready(misty.id().toString());
            assertEquals(1, queuelen(ursula, misty));
            String r1 = reserve(ursula, misty.id().toString(), "ursula");
            String r2 = reserve(victor, misty.id().toString(), "victor");
            assertEquals(3, queuelen(ursula, misty));
            assertTrue(Rig.fetch(base + "/metrics").body().contains("mistyproxy_reservations_waiting 2.0"));
            assertEquals(3, owner.get("/deployment/" + misty.id()).json().get("queuelen").asInt());
            assertEquals(3, owner.get("/deployments?info=t").json().get("info").get(misty.id().toString()).get("queuelen").asInt());
            Resp busy = victor.post("/new/" + misty.id(), "{\"reserve\": false}");
            assertEquals(503, busy.status());
            assertTrue(busy.json().get("result_message").asText().startsWith("All matching workspace deployments are busy."));

            JsonNode mine = ursula.get("/reservations").json().get("reservations");
            assertEquals(1, mine.size());
            assertEquals(r1, mine.get(0).get("id").asText());
            assertEquals("deployment " + misty.id(), mine.get(0).get("desc").asText());
            assertTrue(mine.get(0).get("created").asText().matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}"));
            assertEquals(List.of(r1, r2), idsOf(owner.get("/reservations").json().get("reservations")), "owners see all, oldest first");
            assertEquals(List.of(1, 2), positionsOf(owner.get("/reservations").json().get("reservations")), "1 is next in line");
            assertEquals(1, mine.get(0).get("position").asInt());
            assertEquals(List.of(2), positionsOf(victor.get("/reservations").json().get("reservations")), "victor waits behind ursula");
            assertEquals(List.of(), receiver.posts("ursula"), "nothing happened to the reservation yet");

            assertEquals(200, wendy.post("/terminate/" + held).status());
            String ui = awaitInstance(ursula);
            ursula.awaitStatus(ui, "READY");
            receiver.await("ursula", r1, "reservation:SERVED");
            receiver.await("ursula", ui, "instance:READY");
            assertEquals(List.of("instance:INIT", "instance:READY"), receiver.statuses("ursula", ui));
            EventReceiver.Post served = receiver.posts("ursula").stream().filter(p -> p.body().path("id").asText().equals(r1)).findFirst().orElseThrow();
            assertEquals(ui, served.body().get("instance").asText());
            assertTrue(served.body().get("time").asText().matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}"));
            assertEquals(0, victor.get("/instances").json().get("workspace_instances").size());
            assertEquals(2, queuelen(victor, misty));
            assertEquals(List.of(r2), idsOf(owner.get("/reservations").json().get("reservations")));
            assertEquals(List.of(1), positionsOf(victor.get("/reservations").json().get("reservations")), "ursula was served: victor is next");
            assertEquals("ursula", ursula.get("/instance/" + ui).json().get("user").asText());
            assertEquals(r1, ursula.get("/instance/" + ui).json().get("reservation").asText(), "the instance says which reservation it served");

            assertEquals(200, ursula.post("/terminate/" + ui).status());
            String vi = awaitInstance(victor);
            victor.awaitStatus(vi, "READY");
            receiver.await("victor", r2, "reservation:SERVED");
            receiver.await("victor", vi, "instance:READY");
            receiver.await("ursula", ui, "instance:TERMINATED");
            assertEquals(List.of("instance:INIT", "instance:READY", "instance:TERMINATED"), // one durable end, no TERMINATING step
                    receiver.statuses("ursula", ui), "every status change, in order");
            assertEquals(1, queuelen(victor, misty), "busy, nobody waits");
            assertEquals(List.of(), receiver.posts("wendy"));

            // owners see every instance of their deployments
            List<String> all = Rig.texts(owner.get("/instances?include_terminated").json().get("workspace_instances"));
            assertTrue(all.containsAll(List.of(held, ui, vi)), all.toString());
            assertEquals(3, all.size());

            // cancelling: only the holder (or an owner); the eurl hears of it
            String r3 = reserve(ursula, misty.type(), "ursula");
            assertEquals("type " + misty.type(), ursula.get("/reservations").json().get("reservations").get(0).get("desc").asText());
            assertEquals(404, victor.delete("/reservation/" + r3).status());
            assertEquals(200, ursula.delete("/reservation/" + r3).status());
            receiver.await("ursula", r3, "reservation:CANCELLED");
            assertEquals(404, ursula.delete("/reservation/" + r3).status());
            String r4 = reserve(ursula, misty.id().toString(), "ursula");
            assertEquals(200, owner.delete("/reservation/" + r4).status(), "an owner may cancel anyone's reservation");
            receiver.await("ursula", r4, "reservation:CANCELLED");
            assertEquals(1, queuelen(victor, misty));
        }
    }

    @Test
    void aReservationForALockedRobotWaitsForTheUnlockAndOneARuleNowForbidsIsCancelled() throws Exception {
        try (ProxyServer server = ProxyServer.start(config, Rig.fast())) {
            String base = server.publicBaseUrl();
            Api owner = Api.of(base, Rig.OWNER);
            Api ursula = Api.of(base, Rig.URSULA);
            Api victor = Api.of(base, Rig.VICTOR);
            assertEquals(200, owner.post("/deployment/" + misty.id() + "/lockout").status());
            String r1 = reserve(ursula, misty.id().toString(), "ursula");
            String r2 = reserve(victor, misty.id().toString(), "victor");
            assertEquals(3, queuelen(ursula, misty), "free but locked: 1 + those waiting");
            // ursula, first in line, may no longer instantiate: her reservation is cancelled, and says why
            String path = "/deployment/" + misty.id() + "/rule";
            owner.post(path, "{\"cap\": \"CAP_INSTANTIATE\", \"user\": \"*\"}");
            int deny = owner.post(path, "{\"cap\": \"CAP_NO_INSTANTIATE\", \"user\": \"ursula\"}").json().get("rule_id").asInt();
            assertEquals(List.of(), idsOf(ursula.get("/reservations").json().get("reservations")));
            assertEquals(List.of(r2), idsOf(owner.get("/reservations").json().get("reservations")));
            receiver.await("ursula", r1, "reservation:CANCELLED");
            EventReceiver.Post cancelled = receiver.posts("ursula").get(0);
            assertEquals("deployment " + misty.id() + " may not be instantiated by ursula: refused by access rule " + deny,
                    cancelled.body().get("reason").asText().replaceFirst(" \\(.*", ""), cancelled.body().toString());
            // victor is served at the unlock
            assertEquals(200, owner.delete("/deployment/" + misty.id() + "/lockout").status());
            String vi = awaitInstance(victor);
            receiver.await("victor", r2, "reservation:SERVED");
            // lifting the deny does not bring the cancelled reservation back: the robot frees for nobody
            assertEquals(200, owner.delete(path + "/" + deny).status());
            assertEquals(200, victor.post("/terminate/" + vi).status());
            assertEquals(0, queuelen(ursula, misty));
            assertEquals(0, ursula.get("/instances").json().get("workspace_instances").size());
            assertEquals(List.of("reservation:CANCELLED"), receiver.statuses("ursula", r1));
        }
    }

    @Test
    void anInitFailFreesTheRobotForTheNextInLine() throws Exception {
        try (ProxyServer server = ProxyServer.start(config, Rig.fast())) {
            Api ursula = Api.of(server.publicBaseUrl(), Rig.URSULA);
            Api victor = Api.of(server.publicBaseUrl(), Rig.VICTOR);
            robot.stall(true); // ursula's INIT check will time out
            String ui = ursula.post("/new/" + misty.id()).json().get("id").asText();
            String r = reserve(victor, misty.id().toString(), "victor");
            robot.stall(false);
            ursula.awaitStatus(ui, "INIT_FAIL");
            String vi = awaitInstance(victor);
            victor.awaitStatus(vi, "READY");
            receiver.await("victor", r, "reservation:SERVED");
        }
    }

    @Test
    void aReservationForATypeTakesWhicheverRobotOfThatTypeFreesFirst() throws Exception {
        Deployment other = Rig.deployment(misty.type(), robot.port());
        Deployment elsewhere = Rig.deployment("other_type", robot.port());
        try (ProxyServer server = ProxyServer.start(GovRig.config(dir, List.of(misty, other, elsewhere)), Rig.fast())) {
            String base = server.publicBaseUrl();
            Api ursula = Api.of(base, Rig.URSULA);
            Api victor = Api.of(base, Rig.VICTOR);
            Api wendy = Api.of(base, GovRig.WENDY);
            Api owner = Api.of(base, Rig.OWNER);
            ursula.ready(misty.id().toString());
            String held = wendy.ready(other.id().toString());
            Resp busy = victor.post("/new/" + misty.type(), "{\"reserve\": false}");
            assertEquals(503, busy.status(), "every deployment of the type is busy: " + busy.body());
            String r = reserve(victor, misty.type(), "victor");
            assertEquals(2, queuelen(owner, misty));
            assertEquals(2, queuelen(owner, other));
            assertEquals(0, queuelen(owner, elsewhere));
            // where each stands in line: a reservation for a robot the type reservation could take
            // is behind it; one for another robot is not
            String ownLoan = owner.ready(elsewhere.id().toString());
            String forOther = reserve(owner, other.id().toString(), "olive");
            String forElsewhere = reserve(ursula, elsewhere.type(), "ursula");
            assertEquals(List.of(r, forOther, forElsewhere), idsOf(owner.get("/reservations").json().get("reservations")));
            assertEquals(List.of(1, 2, 1), positionsOf(owner.get("/reservations").json().get("reservations")));
            assertEquals(List.of(1), positionsOf(ursula.get("/reservations").json().get("reservations")), "a user sees her own, with its place");
            assertEquals(200, owner.delete("/reservation/" + forOther).status());
            assertEquals(200, ursula.delete("/reservation/" + forElsewhere).status());
            assertEquals(200, owner.post("/terminate/" + ownLoan).status());
            assertEquals(List.of(1), positionsOf(victor.get("/reservations").json().get("reservations")));
            assertEquals(200, wendy.post("/terminate/" + held).status());
            String vi = awaitInstance(victor);
            assertEquals(other.id().toString(), victor.get("/instance/" + vi).json().get("deployment").asText());
            receiver.await("victor", r, "reservation:SERVED");
            assertEquals(1, queuelen(owner, misty));
        }
    }

    @Test
    void queuelenHasOneRouteAndAgreesWithEveryOtherPlaceThatShowsIt() throws Exception {
        try (ProxyServer server = ProxyServer.start(config, Rig.fast())) {
            String base = server.publicBaseUrl();
            Api anonymous = Api.of(base, null);
            Api owner = Api.of(base, Rig.OWNER);
            Api ursula = Api.of(base, Rig.URSULA);
            Api victor = Api.of(base, Rig.VICTOR);
            String held = ursula.ready(misty.id().toString());
            reserve(victor, misty.id().toString(), "victor");
            for (Api a : List.of(anonymous, ursula, owner)) {
                Resp r = a.get("/queuelen/" + misty.id());
                assertEquals(200, r.status(), r.body());
                assertEquals("{\"queuelen\":2}", r.body(), "exactly the contract's answer");
                assertEquals(2, a.get("/deployment/" + misty.id()).json().get("queuelen").asInt());
                assertEquals(2, a.get("/deployments?info=t").json().get("info").get(misty.id().toString()).get("queuelen").asInt());
            }
            Resp unknown = anonymous.get("/queuelen/" + java.util.UUID.randomUUID());
            assertEquals(404, unknown.status());
            assertEquals("deployment not found", unknown.errorMessage());
            assertEquals(404, owner.get("/queuelen/not-a-uuid").status());
            assertEquals(404, owner.get("/queuelen/" + misty.id() + "/more").status());
            assertEquals(404, owner.get("/queuelen").status());
            Resp post = owner.post("/queuelen/" + misty.id());
            assertEquals(405, post.status(), post.body());
            assertEquals(200, ursula.post("/terminate/" + held).status());
            String vi = awaitInstance(victor);
            assertEquals(1, queuelen(anonymous, misty), "held by victor, nobody waits");
            assertEquals(200, victor.post("/terminate/" + vi).status());
            assertEquals(0, queuelen(anonymous, misty), "free, nobody waits");
        }
    }

    static List<Integer> positionsOf(JsonNode list) {
        List<Integer> out = new java.util.ArrayList<>();
        list.forEach(n -> out.add(n.get("position").asInt()));
        return out;
    }

    static List<String> idsOf(JsonNode list) {
        List<String> out = new java.util.ArrayList<>();
        list.forEach(n -> out.add(n.get("id").asText()));
        return out;
    }
}
