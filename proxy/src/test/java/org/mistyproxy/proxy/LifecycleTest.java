package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.proxy.Rig.Api;
import org.mistyproxy.proxy.Rig.Resp;
import org.mistyproxy.proxy.access.ProxyToken;
import org.mistyproxy.proxy.instances.InstanceEvents;
import org.mistyproxy.proxy.instances.InstanceException;
import org.mistyproxy.proxy.server.ProxyServer;
import org.mistyproxy.sim.Simulator;

/** The control API end to end over real sockets, with the simulator as the robot. */
class LifecycleTest {
    @TempDir Path dir;
    Simulator robot;
    Simulator robot2;
    Deployment misty;
    Deployment misty2;
    ProxyServer server;
    Api owner;
    Api ursula;
    Api victor;

    @BeforeEach
    void start() throws Exception {
        robot = Simulator.start("127.0.0.1", 0);
        robot2 = Simulator.start("127.0.0.1", 0);
        misty = Rig.deployment("fixed_misty2", robot.port(), Rig.synthetic("front"));
        misty2 = Rig.deployment("fixed_misty2", robot2.port());
        server = ProxyServer.start(Rig.config(dir, List.of(misty, misty2)), Rig.fast());
        String base = server.publicBaseUrl();
        owner = Api.of(base, Rig.OWNER);
        ursula = Api.of(base, Rig.URSULA);
        victor = Api.of(base, Rig.VICTOR);
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
        robot.close();
        robot2.close();
    }

    /** The URL reaches the robot: the simulator's device info comes back through the relay. */
    static void assertLive(String proxyUrl) {
        Resp r = Rig.fetch(proxyUrl + "/api/device");
        assertEquals(200, r.status(), () -> "proxy URL should reach the robot: " + r);
        assertEquals("Success", r.json().get("status").asText(), r::toString);
    }

    static void assertRevoked(String proxyUrl) {
        Resp r = Rig.fetch(proxyUrl + "/api/device");
        assertEquals(404, r.status(), r::toString);
        assertEquals("Failed", r.json().get("status").asText());
        assertEquals("unknown or revoked proxy URL", r.json().get("error").asText());
    }

    @Test
    void fullLifecycle() {
        List<Object> events = new CopyOnWriteArrayList<>();
        server.context().events().onRevoked(events::add);

        Resp created = ursula.post("/new/" + misty.id(), "{\"reserve\": false, \"sshkey\": \"ssh-ed25519 AAAA\", \"vpn\": false}");
        assertEquals(200, created.status(), created::toString);
        assertTrue(created.json().get("success").asBoolean());
        assertFalse(created.json().has("sshkey"));
        String iid = created.json().get("id").asText();
        ursula.awaitStatus(iid, "READY");
        assertTrue(robot.requests().stream().anyMatch(q -> q.path().equals("/api/device")), "INIT asked the robot for /api/device");

        JsonNode info = ursula.get("/instance/" + iid).json();
        assertEquals(misty.id().toString(), info.get("deployment").asText());
        assertEquals("fixed_misty2", info.get("type").asText());
        assertEquals("lab", info.get("region").asText());
        assertTrue(info.has("starttime"));
        assertFalse(info.has("endtime"));

        assertEquals(404, ursula.get("/addon/mistyproxy/" + iid).status(), "not active yet");
        assertEquals(200, ursula.post("/addon/mistyproxy/" + iid).status());
        Resp again = ursula.post("/addon/mistyproxy/" + iid);
        assertEquals(503, again.status());
        assertEquals("add-on `mistyproxy` already applied to instance " + iid, again.errorMessage());

        JsonNode st = ursula.get("/addon/mistyproxy/" + iid).json();
        assertEquals("active", st.get("status").asText());
        String shortUrl = st.get("url").get(0).asText();
        String longUrl = st.get("url").get(1).asText();
        String token = longUrl.substring(longUrl.lastIndexOf('/') + 1);
        assertEquals(43, token.length());
        String hostPort = server.publicBaseUrl().substring("http://".length());
        assertEquals(hostPort + "/" + token, shortUrl, "url[0] is scheme-less host:port/{token}");
        assertEquals(server.publicBaseUrl() + "/" + ProxyToken.sha256Hex(iid) + "/mistyproxy/" + token, longUrl);
        assertLive(longUrl);
        assertLive("http://" + shortUrl);

        // the long form checks that the prefix belongs to the token's instance
        assertRevoked(server.publicBaseUrl() + "/" + ProxyToken.sha256Hex("someone-else") + "/mistyproxy/" + token);

        // the holder reads what the policy decided (the relay's audit log)
        assertEquals(403, Rig.Api.of("", null).send("POST", longUrl + "/api/reboot", "{}").status());
        // an entry is recorded when its exchange completes, which may be just after the client has the answer
        JsonNode[] log = new JsonNode[1];
        List<String> decisions = new java.util.ArrayList<>();
        Rig.await(() -> {
            log[0] = ursula.get("/addon/mistyproxy/" + iid + "/log?limit=10").json();
            decisions.clear();
            log[0].get("entries").forEach(e -> decisions.add(e.get("method").asText() + " " + e.get("path").asText() + " " + e.get("decision").asText()));
            return decisions.contains("GET /api/device allowed") && decisions.contains("POST /api/reboot blocked");
        }, Duration.ofSeconds(5), decisions::toString);
        assertEquals(iid, log[0].get("instance").asText());
        JsonNode log0 = log[0];
        assertFalse(log0.toString().contains(token), "no token in the audit log");
        assertTrue(robot.requests().stream().noneMatch(q -> q.path().contains("reboot")), "the robot never saw the refused request");
        assertEquals(400, ursula.get("/addon/mistyproxy/" + iid + "/log?limit=0").status());

        assertEquals(200, ursula.delete("/addon/mistyproxy/" + iid).status());
        assertRevoked(longUrl);
        assertRevoked("http://" + shortUrl);
        assertEquals(404, ursula.delete("/addon/mistyproxy/" + iid).status());
        assertEquals(List.of(new InstanceEvents.ProxyRevoked(iid, InstanceEvents.Cause.DEACTIVATED)), events);

        String longUrl2 = ursula.activate(iid);
        assertNotEquals(longUrl, longUrl2, "a new activation issues a new token");
        assertLive(longUrl2);
        assertRevoked(longUrl);

        assertEquals(List.of(iid), Rig.texts(ursula.get("/instances").json().get("workspace_instances")));
        Resp term = ursula.post("/terminate/" + iid);
        assertEquals(200, term.status(), term::toString);
        assertRevoked(longUrl2);
        assertEquals("TERMINATED", ursula.status(iid));
        assertTrue(ursula.get("/instance/" + iid).json().has("endtime"));
        assertEquals(404, ursula.get("/addon/mistyproxy/" + iid).status());
        assertEquals(List.of(), Rig.texts(ursula.get("/instances").json().get("workspace_instances")));
        assertEquals(List.of(iid), Rig.texts(ursula.get("/instances?include_terminated").json().get("workspace_instances")));
        assertEquals(InstanceEvents.Cause.TERMINATED, ((InstanceEvents.ProxyRevoked) events.get(1)).cause());

        Resp twice = ursula.post("/terminate/" + iid);
        assertEquals(400, twice.status());
        assertTrue(twice.json().get("result_message").asText().contains("already TERMINATED"));

        // the deployment is free again
        String next = ursula.ready(misty.id().toString());
        assertNotEquals(iid, next);
    }

    @Test
    void deploymentsAndTypes() {
        assertEquals(List.of("fixed_misty2"), Rig.texts(ursula.get("/workspaces").json().get("workspace_types")));
        JsonNode all = ursula.get("/deployments?info=t").json();
        assertEquals(2, all.get("workspace_deployments").size());
        String id = misty.id().toString();
        assertEquals("fixed_misty2", all.get("info").get(id).get("type").asText());
        assertEquals("lab", all.get("info").get(id).get("region").asText());
        assertEquals(0, all.get("info").get(id).get("queuelen").asInt());

        JsonNode p1 = ursula.get("/deployments?info=t&max_per_page=1&page=1").json();
        JsonNode p2 = ursula.get("/deployments?info=t&max_per_page=1&page=2").json();
        assertEquals(2, p1.get("page_count").asInt());
        assertEquals(1, p1.get("workspace_deployments").size());
        assertNotEquals(p1.get("workspace_deployments").get(0), p2.get("workspace_deployments").get(0));
        assertEquals(0, ursula.get("/deployments?types=other").json().get("workspace_deployments").size());
        assertEquals(2, ursula.get("/deployments?types=other,fixed_misty2").json().get("workspace_deployments").size());
        assertEquals(List.of(id), Rig.texts(ursula.get("/deployments?q=" + id.substring(0, 13)).json().get("workspace_deployments")));
        assertEquals(2, ursula.get("/deployments?maxlen=0").json().get("workspace_deployments").size(), "maxlen bounds queuelen, and both are free");
        Resp bad = ursula.get("/deployments?max_per_page=zero");
        assertEquals(400, bad.status());
        assertEquals("query parameter `max_per_page` must be a whole number >= 0, got `zero`", bad.errorMessage());

        JsonNode d = ursula.get("/deployment/" + id).json();
        assertEquals(id, d.get("id").asText());
        assertEquals(List.of("mistyproxy", "cam"), Rig.texts(d.get("supported_addons")));
        assertEquals("a Misty II on the bench", d.get("desc").asText());
        for (String f : List.of("type", "type_version", "region", "icounter", "created", "queuelen", "online")) assertTrue(d.has(f), f);
        assertEquals(List.of("mistyproxy"), Rig.texts(ursula.get("/deployment/" + misty2.id()).json().get("supported_addons")));
        assertEquals(404, ursula.get("/deployment/" + java.util.UUID.randomUUID()).status());
    }

    @Test
    void authenticationErrorsAreExact() {
        Api anonymous = Api.of(server.publicBaseUrl(), null);
        Api wrong = Api.of(server.publicBaseUrl(), "nope");
        for (String p : List.of("/workspaces", "/deployments?info=t", "/instances", "/instance/x")) {
            Resp r = wrong.get(p);
            assertEquals(401, r.status(), p);
            assertEquals("wrong authorization token", r.errorMessage(), p);
        }
        for (String p : List.of("/instances", "/instance/x")) {
            Resp r = anonymous.get(p);
            assertEquals(401, r.status(), p);
            assertEquals("wrong authorization token", r.errorMessage(), p);
        }
        for (Api a : List.of(anonymous, wrong)) assertEquals(401, a.post("/new/" + misty.id()).status());
        Resp nf = ursula.get("/instance/" + java.util.UUID.randomUUID());
        assertEquals(404, nf.status());
        assertEquals("instance not found", nf.errorMessage());
        Resp unknownType = ursula.post("/new/no_such_type");
        assertEquals(404, unknownType.status());
        assertTrue(unknownType.json().get("result_message").asText().contains("no_such_type"));
        Resp badBody = ursula.post("/new/" + misty.id(), "{\"expire_d\": -5}");
        assertEquals(400, badBody.status());
        assertEquals("expire_d must be a positive whole number of seconds, got -5", badBody.json().get("result_message").asText());
        Resp unknownField = ursula.post("/new/" + misty.id(), "{\"reserv\": true}");
        assertEquals(400, unknownField.status());
        assertTrue(unknownField.errorMessage().startsWith("unknown field `reserv`"), unknownField::toString);
        Resp notJson = ursula.post("/new/" + misty.id(), "{\"reserve\": tru");
        assertEquals(400, notJson.status());
        assertTrue(notJson.errorMessage().startsWith("request body is not valid JSON"), notJson::toString);
    }

    @Test
    void usersSeeOnlyTheirOwnInstancesAndOwnerSeesAll() {
        String u = ursula.ready(misty.id().toString());
        String v = victor.ready(misty2.id().toString());
        assertEquals(List.of(u), Rig.texts(ursula.get("/instances").json().get("workspace_instances")));
        assertEquals(List.of(v), Rig.texts(victor.get("/instances").json().get("workspace_instances")));
        assertEquals(List.of(u, v), Rig.texts(owner.get("/instances").json().get("workspace_instances")));
        for (Resp r : List.of(victor.get("/instance/" + u), victor.post("/terminate/" + u), victor.post("/addon/mistyproxy/" + u),
                victor.get("/addon/mistyproxy/" + u), victor.post("/addon/cam/" + u), victor.get("/addon/mistyproxy/" + u + "/log"))) {
            assertEquals(404, r.status(), r::toString);
            assertEquals("instance not found", r.errorMessage());
        }
        assertEquals("READY", ursula.status(u));
        assertEquals(200, owner.get("/instance/" + u).status());
        JsonNode paged = owner.get("/instances?max_per_page=1&page=2").json();
        assertEquals(2, paged.get("page_count").asInt());
        assertEquals(List.of(v), Rig.texts(paged.get("workspace_instances")));
        assertEquals(200, owner.post("/terminate/" + u).status());
        assertEquals("TERMINATED", ursula.status(u));
    }

    @Test
    void secondInstanceOfABusyDeploymentIsRefused() {
        String first = ursula.ready(misty.id().toString());
        Resp busy = victor.post("/new/" + misty.id(), "{\"reserve\": false}");
        assertEquals(503, busy.status());
        assertEquals(InstanceException.BUSY_MESSAGE, busy.json().get("result_message").asText());
        assertTrue(busy.json().get("result_message").asText().startsWith("All matching workspace deployments are busy"));
        // by type: the other deployment of the type is still free, then both are busy
        String second = victor.ready("fixed_misty2");
        assertEquals(misty2.id().toString(), victor.get("/instance/" + second).json().get("deployment").asText());
        Resp busyType = owner.post("/new/fixed_misty2");
        assertEquals(503, busyType.status());
        assertEquals(InstanceException.BUSY_MESSAGE, busyType.json().get("result_message").asText());
        assertEquals(200, ursula.post("/terminate/" + first).status());
        assertEquals(misty.id().toString(), owner.get("/instance/" + owner.ready("fixed_misty2")).json().get("deployment").asText());
    }

    @Test
    void initFailsWhenTheRobotDoesNotAnswer() {
        robot.refuseConnections();
        Resp created = ursula.post("/new/" + misty.id());
        String iid = created.json().get("id").asText();
        ursula.awaitStatus(iid, "INIT_FAIL");
        JsonNode info = ursula.get("/instance/" + iid).json();
        assertEquals("the robot refused the connection", info.get("reason").asText(), "no robot address to a borrower");
        Resp act = ursula.post("/addon/mistyproxy/" + iid);
        assertEquals(400, act.status());
        assertEquals("instance " + iid + " is INIT_FAIL, add-ons need it READY", act.errorMessage());
        // INIT_FAIL frees the deployment
        robot.acceptConnections();
        ursula.ready(misty.id().toString());
    }

    @Test
    void initFailsWhenTheRobotStalls() {
        robot.stall(true);
        String iid = ursula.post("/new/" + misty.id()).json().get("id").asText();
        ursula.awaitStatus(iid, "INIT_FAIL");
        assertEquals("the robot did not answer GET /api/device within 2000 ms",
                ursula.get("/instance/" + iid).json().get("reason").asText());
    }

    @Test
    void expiryTerminatesAndRevokes() {
        List<Object> events = new CopyOnWriteArrayList<>();
        server.context().events().onRevoked(events::add);
        server.context().events().onCamDeactivated(events::add);
        String iid = ursula.post("/new/" + misty.id(), "{\"expire_d\": 1}").json().get("id").asText();
        ursula.awaitStatus(iid, "READY");
        String url = ursula.activate(iid);
        assertEquals(200, ursula.post("/addon/cam/" + iid).status());
        assertTrue(ursula.get("/instance/" + iid).json().has("expires"));
        ursula.awaitStatus(iid, "TERMINATED");
        assertRevoked(url);
        assertEquals("expired", ursula.get("/instance/" + iid).json().get("reason").asText());
        assertEquals(List.of(new InstanceEvents.ProxyRevoked(iid, InstanceEvents.Cause.EXPIRED),
                new InstanceEvents.CamDeactivated(iid, InstanceEvents.Cause.EXPIRED)), events);
    }

    @Test
    void camAddOnControl() {
        List<Object> events = new CopyOnWriteArrayList<>();
        server.context().events().onCamActivated(events::add);
        server.context().events().onCamDeactivated(events::add);
        String iid = ursula.ready(misty.id().toString());
        assertEquals(404, ursula.get("/addon/cam/" + iid).status());
        assertEquals(404, ursula.get("/addon/cam/" + iid + "/front/img").status(), "inactive: 404");
        Resp a = ursula.post("/addon/cam/" + iid);
        assertEquals(200, a.status());
        Resp b = ursula.post("/addon/cam/" + iid);
        assertEquals(200, b.status(), "idempotent");
        assertEquals(a.json(), b.json(), "activating again keeps the feed tokens");
        JsonNode st = ursula.get("/addon/cam/" + iid).json();
        assertEquals("active", st.get("status").asText());
        JsonNode cam = st.get("cameras").get(0);
        assertEquals("front", cam.get("id").asText());
        String feedToken = cam.get("feed_token").asText();
        assertEquals(43, feedToken.length());
        assertEquals("ws://" + server.publicBaseUrl().substring(7) + "/addon/cam/" + iid + "/front/feed/" + feedToken,
                cam.get("feed_url").asText());
        assertEquals(1, events.size());
        assertEquals(feedToken, ((InstanceEvents.CamActivated) events.get(0)).feedTokens().get("front"));

        // the data plane is reached only with access
        assertEquals(200, ursula.get("/addon/cam/" + iid + "/front/img").status());
        assertEquals(200, Rig.statusOnly(server.publicBaseUrl() + "/addon/cam/" + iid + "/front/mjpeg/" + feedToken));
        assertEquals(404, victor.get("/addon/cam/" + iid + "/front/img").status());
        assertEquals(401, Api.of(server.publicBaseUrl(), null).get("/addon/cam/" + iid + "/front/img").status());
        assertEquals(404, ursula.get("/addon/cam/" + iid + "/back/img").status(), "unknown camera");
        assertEquals(404, Rig.statusOnly(server.publicBaseUrl() + "/addon/cam/" + iid + "/front/mjpeg/" + "A".repeat(43)));

        assertEquals(200, ursula.delete("/addon/cam/" + iid).status());
        assertEquals(404, ursula.delete("/addon/cam/" + iid).status());
        assertEquals(404, ursula.get("/addon/cam/" + iid).status());
        assertEquals(404, Rig.statusOnly(server.publicBaseUrl() + "/addon/cam/" + iid + "/front/mjpeg/" + feedToken));
        assertEquals(new InstanceEvents.CamDeactivated(iid, InstanceEvents.Cause.DEACTIVATED), events.get(1));
        Resp noCams = owner.post("/addon/cam/" + owner.ready(misty2.id().toString()));
        assertEquals(400, noCams.status());
    }

    @Test
    void urlsUseThePublicBaseUrl() throws Exception {
        server.close();
        org.mistyproxy.config.MistyProxyConfig c = Rig.config(dir, List.of(misty));
        c = new org.mistyproxy.config.MistyProxyConfig(c.source(), c.listen(), java.util.Optional.of(java.net.URI.create("https://robots.example.org/")),
                c.tls(), c.dataDir(), c.users(), c.deployments());
        server = ProxyServer.start(c, Rig.fast());
        Api local = Api.of("http://127.0.0.1:" + server.port(), Rig.URSULA);
        String iid = local.ready(misty.id().toString());
        local.post("/addon/mistyproxy/" + iid);
        JsonNode url = local.get("/addon/mistyproxy/" + iid).json().get("url");
        String token = url.get(1).asText().substring(url.get(1).asText().lastIndexOf('/') + 1);
        assertEquals("robots.example.org/" + token, url.get(0).asText());
        assertEquals("https://robots.example.org/" + ProxyToken.sha256Hex(iid) + "/mistyproxy/" + token, url.get(1).asText());
        local.post("/addon/cam/" + iid);
        assertTrue(local.get("/addon/cam/" + iid).json().get("cameras").get(0).get("feed_url").asText().startsWith("wss://robots.example.org/addon/cam/"));
        assertLive("http://127.0.0.1:" + server.port() + "/" + token);
    }

    @Test
    void unknownPathsAndHealth() {
        assertEquals(404, Rig.fetch(server.publicBaseUrl() + "/nothing/here").status());
        assertEquals(404, Rig.fetch(server.publicBaseUrl() + "/" + "x".repeat(43) + "/api/device").status());
        Resp h = Rig.fetch(server.publicBaseUrl() + "/healthz");
        assertEquals(200, h.status());
        assertEquals("ok", h.json().get("status").asText());
    }
}
