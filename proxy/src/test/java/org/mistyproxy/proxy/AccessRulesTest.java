package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.AccessRule;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.MistyProxyConfig;
import org.mistyproxy.proxy.Rig.Api;
import org.mistyproxy.proxy.server.ProxyServer;
import org.mistyproxy.proxy.Rig.Resp;
import org.mistyproxy.sim.Simulator;

/** Access rules: configured and API-made, enforced on POST /new, readable by whom they concern, durable. */
class AccessRulesTest {
    @TempDir Path dir;
    Simulator robot;
    Deployment guarded;
    Deployment open;
    MistyProxyConfig config;

    @BeforeEach
    void start() {
        robot = Simulator.start("127.0.0.1", 0);
        Deployment g = Rig.deployment("fixed_misty2", robot.port());
        guarded = new Deployment(g.id(), g.type(), g.region(), g.description(), g.robot(), g.policy(), g.corsOrigins(), g.cameras(),
                Deployment.DEFAULT_CAMERA_FEEDS_PER_INSTANCE,
                List.of(new AccessRule(AccessRule.INSTANTIATE, "*", "mistyproxy.yaml:12:9"),
                        new AccessRule(AccessRule.NO_INSTANTIATE, "victor", "mistyproxy.yaml:13:9")));
        open = Rig.deployment("fixed_misty2", robot.port());
        config = Rig.config(dir, List.of(guarded, open));
    }

    @AfterEach
    void stop() {
        robot.close();
    }

    @Test
    void aConfiguredDenyForAUserBeatsAnAllowForEveryoneAndNamesItsRule() throws Exception {
        try (ProxyServer server = ProxyServer.start(config, Rig.fast())) {
            Api victor = Api.of(server.publicBaseUrl(), Rig.VICTOR);
            Api ursula = Api.of(server.publicBaseUrl(), Rig.URSULA);
            Resp no = victor.post("/new/" + guarded.id(), "{\"reserve\": true}");
            assertEquals(403, no.status(), no.body());
            String why = no.json().get("result_message").asText();
            assertTrue(why.contains("refused by access rule 1000002 (CAP_NO_INSTANTIATE for victor, mistyproxy.yaml:13:9)"), why);
            assertFalse(why.contains("busy"), why);
            assertEquals(0, GovRig.hits(robot, "/api/device"), "a refused POST /new never reaches the robot");
            assertEquals(List.of(), Rig.texts(Api.of(server.publicBaseUrl(), Rig.OWNER).get("/instances").json().get("workspace_instances")));
            assertEquals(0, victor.get("/reservations").json().get("reservations").size(), "no reservation was made either");

            String iid = ursula.ready(guarded.id().toString());
            assertEquals(1, GovRig.hits(robot, "/api/device"));
            assertEquals(200, ursula.post("/terminate/" + iid).status());
            // the owner may always, whatever the rules say
            Api.of(server.publicBaseUrl(), Rig.OWNER).ready(guarded.id().toString());
        }
    }

    @Test
    void ownersMakeAndDeleteRulesThatAreDurableAndUsersReadOnlyTheirOwn() throws Exception {
        int denyUrsula;
        try (ProxyServer server = ProxyServer.start(config, Rig.fast())) {
            String base = server.publicBaseUrl();
            Api owner = Api.of(base, Rig.OWNER);
            Api ursula = Api.of(base, Rig.URSULA);
            Api victor = Api.of(base, Rig.VICTOR);
            String rulePath = "/deployment/" + open.id() + "/rule";

            Resp notOwner = ursula.post(rulePath, "{\"cap\": \"CAP_INSTANTIATE\", \"user\": \"ursula\"}");
            assertEquals(403, notOwner.status());
            assertEquals("only an owner may change access rules; ursula is a user", notOwner.errorMessage());

            denyUrsula = owner.post(rulePath, "{\"cap\": \"CAP_NO_INSTANTIATE\", \"user\": \"ursula\"}").json().get("rule_id").asInt();
            Resp permitAll = owner.post(rulePath, "{\"cap\": \"CAP_INSTANTIATE\", \"user\": \"*\"}"); // hardshare rules --permit-all
            assertEquals(200, permitAll.status(), permitAll.body());
            int all = permitAll.json().get("rule_id").asInt();
            assertEquals(List.of(1, 2), List.of(denyUrsula, all));
            assertEquals(all, owner.post(rulePath, "{\"cap\": \"CAP_INSTANTIATE\", \"user\": \"*\"}").json().get("rule_id").asInt(),
                    "the same rule twice is one rule");

            Resp refused = ursula.post("/new/" + open.id());
            assertEquals(403, refused.status());
            assertTrue(refused.json().get("result_message").asText().contains("refused by access rule 1 (CAP_NO_INSTANTIATE for ursula, made by olive at "),
                    refused.body());
            String victorsInstance = victor.ready(open.id().toString());

            // the owner sees every rule, in the rerobots shape; to_user narrows
            JsonNode rules = owner.get("/deployment/" + open.id() + "/rules").json().get("rules");
            assertEquals(2, rules.size());
            JsonNode r1 = rules.get(0);
            assertEquals(1, r1.get("id").asInt());
            assertEquals("ursula", r1.get("user").asText());
            assertEquals(open.id().toString(), r1.get("wdeployment_id").asText());
            assertEquals("CAP_NO_INSTANTIATE", r1.get("capability").asText());
            assertTrue(r1.has("param") && r1.get("param").isNull());
            assertTrue(r1.get("date_created").asText().matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{6}"), r1.toString());
            assertEquals(List.of("1000001", "1000002", "1", "2"), ids(owner.get("/rules").json().get("rules")));
            assertEquals(List.of("1000002"), ids(owner.get("/rules?to_user=victor").json().get("rules")));
            // a user sees only rules about itself (and about everyone)
            assertEquals(List.of("1000001", "1", "2"), ids(ursula.get("/rules").json().get("rules")));
            assertEquals(List.of("1000001", "1000002"), ids(victor.get("/deployment/" + guarded.id() + "/rules").json().get("rules")));
            assertEquals(List.of(), ids(ursula.get("/rules?to_user=victor").json().get("rules")));
            // deployment info carries the rules for owners only
            assertEquals(2, owner.get("/deployment/" + open.id()).json().get("cap").size());
            assertFalse(ursula.get("/deployment/" + open.id()).json().has("cap"));

            // bad input says what is wrong
            assertEquals(400, owner.post(rulePath, "{\"cap\": \"CAP_ALL\"}").status());
            assertEquals("user must be \"*\" or a configured user; there is no user `mallory`",
                    owner.post(rulePath, "{\"cap\": \"CAP_INSTANTIATE\", \"user\": \"mallory\"}").errorMessage());
            assertEquals("unknown field `users` in request body; allowed: cap, user",
                    owner.post(rulePath, "{\"cap\": \"CAP_INSTANTIATE\", \"users\": \"*\"}").errorMessage());
            assertEquals("access rule 1000002 is written in the configuration at mistyproxy.yaml:13:9; remove it there",
                    owner.delete("/deployment/" + guarded.id() + "/rule/1000002").errorMessage());
            assertEquals(404, owner.delete("/deployment/" + guarded.id() + "/rule/1").status(), "rule 1 belongs to another deployment");
            assertEquals(403, ursula.delete(rulePath + "/1").status());

            assertEquals(200, owner.delete(rulePath + "/" + denyUrsula).status());
            assertEquals(200, victor.post("/terminate/" + victorsInstance).status());
            ursula.ready(open.id().toString());
        }
        try (ProxyServer again = ProxyServer.start(config, Rig.fast())) {
            Api owner = Api.of(again.publicBaseUrl(), Rig.OWNER);
            assertEquals(List.of("2"), ids(owner.get("/deployment/" + open.id() + "/rules").json().get("rules")), "API rules are durable");
            int next = owner.post("/deployment/" + open.id() + "/rule", "{\"cap\": \"CAP_NO_INSTANTIATE\"}").json().get("rule_id").asInt();
            assertEquals(3, next, "ids are never reused");
            JsonNode own = owner.get("/deployment/" + open.id() + "/rules?to_user=olive").json().get("rules");
            assertEquals("olive", own.get(0).get("user").asText(), "no `user`: the rule is about the caller");
        }
    }

    private static List<String> ids(JsonNode rules) {
        List<String> out = new ArrayList<>();
        rules.forEach(r -> out.add(r.get("id").asText()));
        return out;
    }

}
