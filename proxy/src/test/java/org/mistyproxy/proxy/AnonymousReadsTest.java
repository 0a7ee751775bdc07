package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.AccessRule;
import org.mistyproxy.config.Camera;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.Quotas;
import org.mistyproxy.config.RobotAddress;
import org.mistyproxy.config.Safety;
import org.mistyproxy.proxy.Rig.Api;
import org.mistyproxy.proxy.Rig.Resp;
import org.mistyproxy.proxy.server.ProxyServer;
import org.mistyproxy.sim.Simulator;

/**
 * Issue 10 item 2: {@code /workspaces}, {@code /deployments}, {@code /deployment/{id}} and
 * {@code /queuelen/{id}} answer without a token; {@code listed: false} hides a deployment from
 * whoever may not instantiate it; nothing but an owner's answer names the robot.
 */
class AnonymousReadsTest {
    @TempDir Path dir;
    Simulator robot;
    ProxyServer server;
    Deployment open;
    Deployment unlisted;
    Api anonymous;
    Api ursula;
    Api owner;

    @BeforeEach
    void start() throws Exception {
        robot = Simulator.start("127.0.0.1", 0);
        open = Rig.deployment("fixed_misty2", robot.port(), Rig.synthetic("front"));
        // the only deployment of its type: an anonymous caller must not learn the type either
        unlisted = new Deployment(UUID.randomUUID(), "secret_misty", "attic", "not for everyone",
                new RobotAddress("127.0.0.1", robot.port()), Optional.empty(), List.of("*"), List.of(), false);
        server = ProxyServer.start(Rig.config(dir, List.of(open, unlisted)), Rig.fast());
        anonymous = Api.of(server.publicBaseUrl(), null);
        ursula = Api.of(server.publicBaseUrl(), Rig.URSULA);
        owner = Api.of(server.publicBaseUrl(), Rig.OWNER);
    }

    @AfterEach
    void stop() {
        server.close();
        robot.close();
    }

    @Test
    void readsAnswerWithoutAToken() {
        assertEquals(List.of("fixed_misty2"), Rig.texts(anonymous.get("/workspaces").json().get("workspace_types")));
        JsonNode list = anonymous.get("/deployments?info=t").json();
        assertEquals(List.of(open.id().toString()), Rig.texts(list.get("workspace_deployments")));
        assertEquals("fixed_misty2", list.get("info").get(open.id().toString()).get("type").asText());
        Resp one = anonymous.get("/deployment/" + open.id());
        assertEquals(200, one.status(), one::toString);
        assertEquals(open.id().toString(), one.json().get("id").asText());
        assertEquals(0, anonymous.get("/queuelen/" + open.id()).json().get("queuelen").asInt());
        assertTrue(SafetyRig.borrowers(robot).isEmpty(), "reading the catalogue never touches a robot");
    }

    @Test
    void anonymousDeploymentInfoHasEveryFieldOfTheContractLockoutIncluded() {
        JsonNode info = anonymous.get("/deployment/" + open.id()).json();
        for (String f : List.of("id", "type", "type_version", "supported_addons", "desc", "region", "icounter", "created",
                "queuelen", "lockout", "online")) {
            assertTrue(info.has(f), f + " missing from " + info);
        }
        assertFalse(info.get("lockout").asBoolean(), info::toString);
        assertEquals(200, owner.post("/deployment/" + open.id() + "/lockout", "{\"reason\": \"charging\"}").status());
        JsonNode locked = anonymous.get("/deployment/" + open.id()).json();
        assertTrue(locked.get("lockout").asBoolean(), locked::toString);
        assertFalse(locked.has("lockout_reason"), "the reason is the owner's business: " + locked);
        assertEquals(200, owner.delete("/deployment/" + open.id() + "/lockout").status());
        assertFalse(anonymous.get("/deployment/" + open.id()).json().get("lockout").asBoolean());
    }

    @Test
    void aTokenThatIsSentMustBeValid() {
        Api wrong = Api.of(server.publicBaseUrl(), "not-a-token");
        for (String p : List.of("/workspaces", "/deployments?info=t", "/deployment/" + open.id(), "/queuelen/" + open.id())) {
            Resp r = wrong.get(p);
            assertEquals(401, r.status(), p);
            assertEquals("wrong authorization token", r.errorMessage(), p);
        }
    }

    @Test
    void anonymousCallersStillCannotActOrSeeInstances() {
        for (Resp r : List.of(anonymous.post("/new/" + open.id()), anonymous.get("/instances"), anonymous.post("/purge"),
                anonymous.post("/revoke/" + "0".repeat(64)))) {
            assertEquals(401, r.status(), r::toString);
            assertEquals("wrong authorization token", r.errorMessage());
        }
        assertTrue(SafetyRig.borrowers(robot).isEmpty(), "a refused POST /new never started an instance check on the robot");
    }

    @Test
    void anUnlistedDeploymentIsExactlyAsUnknownToThoseWhoMayNotInstantiateIt() {
        String id = unlisted.id().toString();
        Resp hidden = anonymous.get("/deployment/" + id);
        Resp unknown = anonymous.get("/deployment/" + UUID.randomUUID());
        assertEquals(404, hidden.status());
        assertEquals(unknown.status(), hidden.status());
        assertEquals(unknown.body(), hidden.body(), "no difference an outsider could probe");
        assertEquals(anonymous.get("/queuelen/" + UUID.randomUUID()).body(), anonymous.get("/queuelen/" + id).body());
        assertEquals(404, anonymous.get("/queuelen/" + id).status());
        assertFalse(anonymous.get("/deployments?info=t").body().contains(id));
        assertFalse(anonymous.get("/deployments/secret_misty?info=t").body().contains(id));
        assertFalse(anonymous.get("/deployments?info=t&q=attic").body().contains(id));
        assertFalse(anonymous.get("/workspaces").body().contains("secret_misty"));

        // every configured user may instantiate it today, so users see it and may borrow it
        assertEquals(List.of("fixed_misty2", "secret_misty"), Rig.texts(ursula.get("/workspaces").json().get("workspace_types")));
        assertTrue(Rig.texts(ursula.get("/deployments?info=t").json().get("workspace_deployments")).contains(id));
        assertEquals(200, ursula.get("/deployment/" + id).status());
        String iid = ursula.ready(id);
        assertEquals(1, ursula.get("/queuelen/" + id).json().get("queuelen").asInt());
        assertEquals(200, ursula.post("/terminate/" + iid).status());
    }

    @Test
    void onlyOwnersSeeTheRobotAddress() {
        String robotAddress = "127.0.0.1:" + robot.port();
        for (Api a : List.of(anonymous, ursula)) {
            for (String p : List.of("/deployment/" + open.id(), "/deployments?info=t", "/workspaces", "/queuelen/" + open.id())) {
                String body = a.get(p).body();
                assertFalse(body.contains(robotAddress), p + " names the robot: " + body);
                assertFalse(body.contains("synthetic"), p + " names a camera source: " + body);
                assertFalse(body.contains("addons_config"), p);
                assertFalse(body.contains("misty-safe"), p + " names the policy: " + body);
            }
        }
        JsonNode mine = owner.get("/deployment/" + open.id()).json();
        assertEquals(robotAddress, mine.get("addons_config").get("mistyproxy").get("ip").asText(), mine::toString);
    }

    // ---- deployments with a policy and access rules

    private static final String POLICY_FILE = "attic-policy-q7z.yaml";
    private static final String RULES_FILE = "secret-rules.yaml";

    /** A deployment with its own policy file and configured access rules (each naming {@link #RULES_FILE} as its source). */
    private Deployment governed(String type, boolean listed, Camera camera, AccessRule... rules) throws Exception {
        Path policy = dir.resolve(POLICY_FILE);
        Files.writeString(policy, "default: allow\n");
        return new Deployment(UUID.randomUUID(), type, "attic", "governed", new RobotAddress("127.0.0.1", robot.port()),
                Optional.of(policy), List.of("*"), camera == null ? List.of() : List.of(camera),
                Deployment.DEFAULT_CAMERA_FEEDS_PER_INSTANCE, List.of(rules), listed, Quotas.DEFAULTS, Safety.DEFAULT);
    }

    private static AccessRule rule(String cap, String user, int line) {
        return new AccessRule(cap, user, RULES_FILE + ":" + line + ":7");
    }

    /** Replaces the server of {@link #start} with one serving {@code deployments}. */
    private void serve(Deployment... deployments) throws Exception {
        server.close();
        server = ProxyServer.start(Rig.config(dir, List.of(deployments)), Rig.fast());
        anonymous = Api.of(server.publicBaseUrl(), null);
        ursula = Api.of(server.publicBaseUrl(), Rig.URSULA);
        owner = Api.of(server.publicBaseUrl(), Rig.OWNER);
    }

    @Test
    void aDeploymentsPolicyRulesRobotAndCameraNeverShowInAnonymousOrUserAnswers() throws Exception {
        Deployment ruled = governed("ruled_misty", true, Rig.synthetic("front"),
                rule(AccessRule.INSTANTIATE, "*", 3), rule(AccessRule.NO_INSTANTIATE, "victor", 4));
        serve(ruled);
        Api victor = Api.of(server.publicBaseUrl(), Rig.VICTOR);
        String id = ruled.id().toString();
        String robotAddress = "127.0.0.1:" + robot.port();
        for (Api a : List.of(anonymous, ursula, victor)) {
            for (String p : List.of("/deployment/" + id, "/deployments?info=t", "/deployments/ruled_misty?info=t",
                    "/deployments?info=t&q=attic", "/workspaces", "/queuelen/" + id)) {
                Resp r = a.get(p);
                assertEquals(200, r.status(), p + ": " + r);
                String body = r.body();
                for (String secret : List.of(robotAddress, "127.0.0.1", "synthetic", POLICY_FILE, "attic-policy", RULES_FILE,
                        "CAP_", "capability", "\"cap\"", "access rule", "wdeployment_id", "victor", "addons_config")) {
                    assertFalse(body.contains(secret), p + " as " + a.token() + " shows `" + secret + "`: " + body);
                }
            }
        }
        // the deployment is there for all of them; only the owner learns the robot and the rules
        assertEquals(id, anonymous.get("/deployment/" + id).json().get("id").asText());
        JsonNode mine = owner.get("/deployment/" + id).json();
        assertEquals(robotAddress, mine.get("addons_config").get("mistyproxy").get("ip").asText(), mine::toString);
        assertEquals(2, mine.get("cap").size(), mine::toString);
        assertTrue(SafetyRig.borrowers(robot).isEmpty(), "reading the catalogue never touches a robot");
    }

    @Test
    void anUnlistedDeploymentIsUnknownToAnonymousCallersAndToAUserARuleDeniesButSeenByTheAllowedUserAndTheOwner()
            throws Exception {
        Deployment hidden = governed("hidden_misty", false, null,
                rule(AccessRule.INSTANTIATE, "ursula", 3), rule(AccessRule.NO_INSTANTIATE, "victor", 4));
        Deployment visible = Rig.deployment("fixed_misty2", robot.port());
        serve(hidden, visible);
        Api victor = Api.of(server.publicBaseUrl(), Rig.VICTOR);
        String id = hidden.id().toString();
        String unknown = UUID.randomUUID().toString();

        for (Api outsider : List.of(anonymous, victor)) {
            String who = outsider.token() == null ? "anonymous" : "victor";
            for (String p : List.of("/deployment/%s", "/queuelen/%s")) {
                Resp r = outsider.get(p.formatted(id));
                assertEquals(404, r.status(), who + " " + p + ": " + r);
                assertEquals(outsider.get(p.formatted(unknown)).body(), r.body(), who + " " + p + ": the answer of an unknown id");
            }
            for (String p : List.of("/deployments?info=t", "/deployments/hidden_misty?info=t", "/deployments?info=t&q=governed",
                    "/workspaces")) {
                String body = outsider.get(p).body();
                assertFalse(body.contains(id) || body.contains("hidden_misty"), who + " " + p + ": " + body);
            }
        }
        // the user a rule denies gets, on the owner's routes too, exactly what an unknown id gets, never "forbidden"
        for (String[] call : List.of(new String[] {"GET", "/deployment/%s/rules"}, new String[] {"POST", "/deployment/%s/rule"},
                new String[] {"DELETE", "/deployment/%s/rule/1000001"}, new String[] {"POST", "/deployment/%s/lockout"},
                new String[] {"DELETE", "/deployment/%s/lockout"})) {
            Resp r = victor.send(call[0], call[1].formatted(id), null);
            assertEquals(404, r.status(), call[0] + " " + call[1] + ": " + r);
            assertEquals(victor.send(call[0], call[1].formatted(unknown), null).body(), r.body(), call[0] + " " + call[1]);
        }
        assertFalse(victor.get("/rules").body().contains(id), "not even the deny rule about victor names it");
        long inits = GovRig.hits(robot, "/api/device");
        Resp refused = victor.post("/new/" + id, "{\"reserve\": true}");
        assertEquals(404, refused.status(), refused.body());
        assertEquals(victor.post("/new/" + unknown, "{\"reserve\": true}").body().replace(unknown, id), refused.body(),
                "the answer of an unknown id (which it names)");
        assertEquals(inits, GovRig.hits(robot, "/api/device"), "the refused POST /new never reached the robot");
        assertTrue(SafetyRig.borrowers(robot).isEmpty(), SafetyRig.borrowers(robot)::toString);
        assertEquals(List.of(), victor.get("/reservations").json().get("reservations").findValuesAsText("id"), "no reservation made");

        // the user a rule allows, and the owner, see it everywhere and may borrow it
        for (Api insider : List.of(ursula, owner)) {
            assertEquals(200, insider.get("/deployment/" + id).status());
            assertEquals(0, insider.get("/queuelen/" + id).json().get("queuelen").asInt());
            assertTrue(Rig.texts(insider.get("/deployments?info=t").json().get("workspace_deployments")).contains(id));
            assertTrue(Rig.texts(insider.get("/workspaces").json().get("workspace_types")).contains("hidden_misty"));
            assertEquals(200, insider.get("/deployment/" + id + "/rules").status());
        }
        assertEquals(List.of("ursula"), ursula.get("/deployment/" + id + "/rules").json().get("rules").findValuesAsText("user"),
                "ursula reads only the rule about herself");
        String iid = ursula.ready(id);
        assertEquals(200, ursula.post("/terminate/" + iid).status());
    }
}
