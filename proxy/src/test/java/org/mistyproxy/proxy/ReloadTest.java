package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.ConfigLoader;
import org.mistyproxy.proxy.ConfigFile.Robot;
import org.mistyproxy.proxy.ConfigFile.User;
import org.mistyproxy.proxy.Rig.Api;
import org.mistyproxy.proxy.Rig.Resp;
import org.mistyproxy.proxy.server.ProxyServer;
import org.mistyproxy.sim.RecordedRequest;
import org.mistyproxy.sim.Simulator;

/**
 * Live reload through {@code POST /reload}, over real sockets with two simulated robots: what a
 * reload adds, changes and removes takes effect at once, live proxy URLs and sockets of the
 * deployments it keeps go on, and a broken file is refused whole while the old configuration serves.
 */
final class ReloadTest {
    static final User OLIVE = new User("olive", "owner", Rig.OWNER);
    static final User URSULA = new User("ursula", "user", Rig.URSULA);
    static final User VICTOR = new User("victor", "user", Rig.VICTOR);
    static final String OPEN = "default: allow\n";

    @TempDir
    Path dir;

    private Simulator simA;
    private Simulator simB;
    private Robot a;
    private Robot b;
    private ConfigFile file;
    private ProxyServer server;
    private Api owner;
    private Api ursula;

    @BeforeEach
    void start() throws Exception {
        simA = Simulator.start("127.0.0.1", 0);
        simB = Simulator.start("127.0.0.1", 0);
        a = new Robot(UUID.randomUUID(), simA.port(), "a-policy.yaml");
        b = new Robot(UUID.randomUUID(), simB.port(), "b-policy.yaml");
        file = new ConfigFile(dir);
        file.policy("a-policy.yaml", OPEN);
        file.policy("b-policy.yaml", OPEN);
        file.write(List.of(OLIVE, URSULA), List.of(a));
        server = ProxyServer.start(ConfigLoader.load(file.path()), Rig.fast());
        owner = Api.of(server.publicBaseUrl(), Rig.OWNER);
        ursula = Api.of(server.publicBaseUrl(), Rig.URSULA);
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
        simA.close();
        simB.close();
    }

    private Resp reload() {
        return owner.post("/reload");
    }

    @Test
    void addsADeploymentAndAUserWhileASocketOnAnotherDeploymentStaysOpenAndRelays() throws Exception {
        String iidA = ursula.ready(a.id().toString());
        String urlA = ursula.activate(iidA);
        Socket socket = Socket.open(urlA.replaceFirst("^http", "ws") + "/pubsub");
        socket.send("{'Operation': 'subscribe', 'Type': 'TimeOfFlight', 'DebounceMs': 100, 'EventName': 'tof'}");
        socket.nextContaining("distanceInMeters", 5000);
        Api victor = Api.of(server.publicBaseUrl(), Rig.VICTOR);
        assertEquals(401, victor.get("/deployments").status());

        file.write(List.of(OLIVE, URSULA, VICTOR), List.of(a, b));
        Resp r = reload();
        assertEquals(200, r.status(), r::toString);
        assertEquals(List.of(b.id().toString()), Rig.texts(r.json().get("added")));
        assertEquals(3, r.json().get("users").asInt());
        assertEquals(List.of(), Rig.texts(r.json().get("restart_needed")));

        // the new user borrows the new deployment, and its proxy URL reaches the new robot
        Resp listed = victor.get("/deployments");
        assertEquals(200, listed.status(), listed::toString);
        assertTrue(Rig.texts(listed.json().get("workspace_deployments")).contains(b.id().toString()), listed::toString);
        String iidB = victor.ready(b.id().toString());
        String urlB = victor.activate(iidB);
        simB.clearRequests();
        assertEquals(200, Rig.fetch(urlB + "/api/battery").status());
        assertTrue(simB.requests().stream().anyMatch(q -> q.path().equals("/api/battery")), "reached robot B");

        // the socket on A was never closed and still relays, both ways
        assertFalse(socket.closed.isDone(), "socket on A still open");
        socket.texts.clear();
        socket.nextContaining("distanceInMeters", 5000);
        socket.send("{'Operation': 'subscribe', 'Type': 'BatteryCharge', 'DebounceMs': 100, 'EventName': 'batt'}");
        socket.nextContaining("\"batt\"", 5000);
        assertEquals(200, Rig.fetch(urlA + "/api/battery").status(), "A's proxy URL still live");
        assertEquals("READY", ursula.status(iidA));
    }

    @Test
    void aChangedPolicyAppliesToTheNextRequestAndTheNextMessageOnAnOpenSocket() throws Exception {
        String iid = ursula.ready(a.id().toString());
        String url = ursula.activate(iid);
        assertEquals(200, Rig.fetch(url + "/api/battery").status());
        Socket socket = Socket.open(url.replaceFirst("^http", "ws") + "/pubsub");
        socket.send("{'Operation': 'subscribe', 'Type': 'BatteryCharge', 'DebounceMs': 100, 'EventName': 'before'}");
        socket.nextContaining("\"before\"", 5000);

        file.policy("a-policy.yaml", "default: block\nwebsocket:\n  enabled: true\n  allowed_types: [TimeOfFlight]\n");
        Resp r = reload();
        assertEquals(200, r.status(), r::toString);

        simA.clearRequests();
        Resp refused = Rig.fetch(url + "/api/battery");
        assertEquals(403, refused.status(), refused::toString);
        assertTrue(refused.body().contains("a-policy.yaml:1"), refused::toString);
        assertTrue(simA.requests().stream().noneMatch(q -> q.path().equals("/api/battery")), "the refused request never reached the robot");

        socket.send("{'Operation': 'subscribe', 'Type': 'BatteryCharge', 'DebounceMs': 100, 'EventName': 'after'}");
        String refusal = socket.nextContaining("blocked by policy", 5000);
        assertTrue(refusal.contains("BatteryCharge"), refusal);
        assertTrue(simA.requests().stream().noneMatch(q -> q.body() != null && new String(q.body(), java.nio.charset.StandardCharsets.UTF_8).contains("\"after\"")),
                simA.requests()::toString);
        socket.send("{'Operation': 'subscribe', 'Type': 'TimeOfFlight', 'DebounceMs': 100, 'EventName': 'tof'}");
        socket.nextContaining("distanceInMeters", 5000);
        assertFalse(socket.closed.isDone(), "the socket stays open");
    }

    @Test
    void aRemovedDeploymentsLiveInstanceIsTerminatedWithTheReasonAndItsUrlDies() throws Exception {
        file.write(List.of(OLIVE, URSULA, VICTOR), List.of(a, b));
        assertEquals(200, reload().status());
        String iidA = ursula.ready(a.id().toString());
        String urlA = ursula.activate(iidA);
        Api victor = Api.of(server.publicBaseUrl(), Rig.VICTOR);
        String iidB = victor.ready(b.id().toString());
        String urlB = victor.activate(iidB);
        Socket socketB = Socket.open(urlB.replaceFirst("^http", "ws") + "/pubsub");
        socketB.send("{'Operation': 'subscribe', 'Type': 'TimeOfFlight', 'DebounceMs': 100, 'EventName': 'tof'}");
        socketB.nextContaining("distanceInMeters", 5000);
        SafetyRig.drive(urlB); // the borrower of B leaves its robot driving
        assertTrue(SafetyRig.driving(simB));

        file.write(List.of(OLIVE, URSULA, VICTOR), List.of(a));
        long reloaded = System.nanoTime();
        Resp r = reload();
        assertEquals(200, r.status(), r::toString);
        assertEquals(List.of(b.id().toString()), Rig.texts(r.json().get("removed")));
        assertEquals(List.of(iidB), Rig.texts(r.json().get("terminated")));

        Resp info = victor.get("/instance/" + iidB);
        assertEquals("TERMINATED", info.json().get("status").asText(), info::toString);
        assertEquals("deployment removed from the configuration", info.json().get("reason").asText(), info::toString);
        // The ended loan's on_end ran on the removed deployment's robot: stop, then halt, from mistyproxy itself.
        SafetyRig.awaitLogged(simB, "POST", "/api/drive/stop", 0, reloaded, 1000);
        SafetyRig.awaitLogged(simB, "POST", "/api/halt", 0, reloaded, 1000);
        assertEquals(List.of("POST /api/drive/stop", "POST /api/halt"),
                SafetyRig.fromProxy(simB).stream().filter(q -> q.startsWith("POST")).toList(), simB.requests()::toString);
        Rig.await(() -> !SafetyRig.driving(simB), java.time.Duration.ofSeconds(1), () -> "robot B stopped"); // logged, then applied
        long batteryReads = borrowersBatteryReads(simB);
        assertEquals(404, Rig.fetch(urlB + "/api/battery").status());
        // the request on the dead URL never arrives (the health probe's own reads are not a borrower's)
        assertEquals(batteryReads, borrowersBatteryReads(simB), simB.requests()::toString);
        assertEquals(1008, socketB.closed.get(5, TimeUnit.SECONDS).code());
        assertEquals(404, victor.get("/deployment/" + b.id()).status());
        // the other deployment's instance is untouched
        assertEquals(200, Rig.fetch(urlA + "/api/battery").status());
        assertEquals("READY", ursula.status(iidA));
    }

    private static long borrowersBatteryReads(Simulator robot) {
        return SafetyRig.borrowers(robot).stream().filter(q -> q.path().equals("/api/battery")).count();
    }

    @Test
    void aRevokedTokenStaysRevokedAcrossAReloadAndAnAddedDeploymentHasACreatedDate() throws Exception {
        assertEquals(200, ursula.post("/revoke/" + org.mistyproxy.proxy.access.ProxyToken.sha256Hex(Rig.URSULA)).status());
        file.write(List.of(OLIVE, URSULA), List.of(a, b)); // ursula's revoked hash is still in the file
        assertEquals(200, reload().status());
        Resp r = ursula.get("/instances");
        assertEquals(401, r.status(), r::toString);
        assertEquals("wrong authorization token", r.errorMessage());
        assertEquals(200, owner.get("/instances").status());
        String created = Api.of(server.publicBaseUrl(), null).get("/deployment/" + b.id()).json().get("created").asText();
        RerobotsTimes.parse(created);
    }

    @Test
    void configuredAccessRulesFollowTheFileAndRulesMadeThroughTheApiStay() throws Exception {
        int made = owner.post("/deployment/" + a.id() + "/rule", "{\"cap\": \"CAP_INSTANTIATE\", \"user\": \"*\"}")
                .json().get("rule_id").asInt();
        // the owner denies ursula in the file (the deployment is the file's last entry)
        file.writeRaw(file.read() + "    access_rules:\n      - {cap: CAP_NO_INSTANTIATE, user: ursula}\n");
        assertEquals(200, reload().status());
        Resp no = ursula.post("/new/" + a.id(), "{}");
        assertEquals(403, no.status(), no::toString);
        String why = no.json().get("result_message").asText();
        assertTrue(why.contains("refused by access rule 1000001 (CAP_NO_INSTANTIATE for ursula, mistyproxy.yaml:"), why);
        // No instance was made, so no on_ready probe; the robot only ever saw mistyproxy's own health probes.
        assertEquals(0, ursula.get("/instances").json().get("workspace_instances").size(), "a refused loan makes no instance");
        assertEquals(List.of(), SafetyRig.borrowers(simA), "nothing of a borrower's reached the robot");
        List<String> ids = new java.util.ArrayList<>();
        owner.get("/deployment/" + a.id() + "/rules").json().get("rules").forEach(r -> ids.add(r.get("id").asText()));
        assertEquals(List.of("1000001", Integer.toString(made)), ids, "the configured rule, then the one made through the API");

        file.write(List.of(OLIVE, URSULA), List.of(a)); // the deny is taken out of the file again
        assertEquals(200, reload().status());
        assertEquals("READY", ursula.status(ursula.ready(a.id().toString())));
    }

    @Test
    void anEventUrlCannotReachARobotThatAReloadAddedNorOneItRemoved() throws Exception {
        String atB = "{\"eurl\": \"http://127.0.0.1:" + simB.port() + "/api/reboot\"}";
        file.write(List.of(OLIVE, URSULA), List.of(a, b));
        assertEquals(200, reload().status());
        Resp r = ursula.post("/new/" + a.id(), atB);
        assertEquals(400, r.status(), r::toString);
        assertEquals("eurl must not point at a robot (127.0.0.1:" + simB.port() + "): its API has no authentication",
                r.json().get("result_message").asText());
        file.write(List.of(OLIVE, URSULA), List.of(a)); // b leaves the file, not the network
        assertEquals(200, reload().status());
        assertEquals(400, ursula.post("/new/" + a.id(), atB).status());
        assertEquals(0, GovRig.hits(simB, "/api/reboot"), "no event ever went to the robot");
    }

    @Test
    void aRemovedUsersTokenIsRefusedAtOnce() throws Exception {
        String iid = ursula.ready(a.id().toString());
        String url = ursula.activate(iid);
        assertEquals(200, ursula.get("/instances").status());
        file.write(List.of(OLIVE), List.of(a));
        assertEquals(200, reload().status());
        Resp r = ursula.get("/instances");
        assertEquals(401, r.status(), r::toString);
        assertEquals("wrong authorization token", r.errorMessage());
        // the proxy URL is a capability of the instance, not of the API token
        assertEquals(200, Rig.fetch(url + "/api/battery").status());
    }

    @Test
    void aBrokenConfigurationIsRefusedWholeWithLineAndColumnAndTheOldOneKeepsServing() throws Exception {
        String iid = ursula.ready(a.id().toString());
        String url = ursula.activate(iid);
        file.write(List.of(OLIVE, URSULA, VICTOR), List.of(a, b));
        String good = file.read();
        // line 20 of the file is b's robot; a port of 0 is refused, and so is the whole file (victor too)
        file.writeRaw(good.replace("robot: 127.0.0.1:" + simB.port(), "robot: 127.0.0.1:0"));
        assertEquals("    robot: 127.0.0.1:0", file.read().lines().toList().get(19));
        Resp r = reload();
        assertEquals(400, r.status(), r::toString);
        assertFalse(r.json().get("success").asBoolean());
        List<String> errors = Rig.texts(r.json().get("errors"));
        assertEquals(1, errors.size(), errors::toString);
        assertTrue(errors.get(0).startsWith(file.path() + ":20:12 deployments[1].robot: must be host:port"), errors::toString);
        assertEquals(401, Api.of(server.publicBaseUrl(), Rig.VICTOR).get("/deployments").status(), "victor was not added");
        assertEquals(404, owner.get("/deployment/" + b.id()).status(), "b was not added");

        // a policy that does not compile refuses the whole file too, with the policy's line and column
        file.writeRaw(good);
        file.policy("b-policy.yaml", "default: allow\nrules:\n  - verb: FETCH\n    uri: /api/battery\n");
        r = reload();
        assertEquals(400, r.status(), r::toString);
        errors = Rig.texts(r.json().get("errors"));
        assertTrue(errors.stream().anyMatch(e -> e.matches("(.*/)?b-policy\\.yaml:3:\\d+ .*")), errors::toString);
        assertEquals(404, owner.get("/deployment/" + b.id()).status(), "b was not added");

        // the old configuration serves on
        assertEquals(200, Rig.fetch(url + "/api/battery").status());
        assertEquals("READY", ursula.status(iid));
        assertEquals(200, ursula.get("/instances").status());
    }

    @Test
    void camerasFollowTheConfiguration() throws Exception {
        String iid = ursula.ready(a.id().toString());
        assertEquals(404, ursula.get("/addon/cam/" + iid + "/front/img").status());
        // a camera added to a deployment can be used by its live instance's cam add-on
        file.write(List.of(OLIVE, URSULA), List.of(a.withCamera("320x240")));
        assertEquals(200, reload().status());
        assertEquals(200, ursula.post("/addon/cam/" + iid).status());
        assertEquals(320, snapshotWidth(iid));
        String feedToken = ursula.get("/addon/cam/" + iid).json().get("cameras").get(0).get("feed_token").asText();
        HttpResponse<InputStream> mjpeg = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(server.publicBaseUrl() + "/addon/cam/" + iid + "/front/mjpeg/" + feedToken)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, mjpeg.statusCode());
        try (InputStream feed = mjpeg.body()) {
            assertEquals(4096, feed.readNBytes(4096).length);
            // a changed source takes effect for the next snapshot of the same instance...
            file.write(List.of(OLIVE, URSULA), List.of(a.withCamera("160x120")));
            Resp r = reload();
            assertEquals(List.of(a.id().toString()), Rig.texts(r.json().get("changed")));
            assertEquals(160, snapshotWidth(iid));
            // ...while the feed that was open goes on (frames keep coming, well past what was buffered)
            assertEquals(256 * 1024, feed.readNBytes(256 * 1024).length, "the open MJPEG feed survived the reload");
        }
        // a removed camera is gone at once
        file.write(List.of(OLIVE, URSULA), List.of(a));
        assertEquals(200, reload().status());
        assertEquals(404, ursula.get("/addon/cam/" + iid + "/front/img").status());
    }

    /** The width of the next snapshot; awaited, since a camera that has just started answers "not ready" at first. */
    private int snapshotWidth(String iid) {
        Resp[] last = new Resp[1];
        Rig.await(() -> {
            last[0] = ursula.get("/addon/cam/" + iid + "/front/img");
            return last[0].status() == 200 && last[0].json().path("success").asBoolean();
        }, Duration.ofSeconds(20), () -> "no snapshot: " + last[0]);
        return last[0].json().get("width").asInt();
    }

    @Test
    void topLevelSettingsThatNeedARestartAreNamedAndTheRestIsApplied() throws Exception {
        file.write(List.of(OLIVE, URSULA, VICTOR), List.of(a));
        file.writeRaw(file.read().replace("port: 0}", "port: 1}").replace("data_dir: data", "data_dir: elsewhere"));
        Resp r = reload();
        assertEquals(200, r.status(), r::toString);
        // logs.dir defaults to data_dir, so moving data_dir moves the log files too: also a restart
        assertEquals(List.of("listen", "data_dir", "logs"), Rig.texts(r.json().get("restart_needed")));
        assertEquals(200, Api.of(server.publicBaseUrl(), Rig.VICTOR).get("/deployments").status(), "the users were applied");
        assertFalse(Files.exists(dir.resolve("elsewhere")), "the data folder is not switched under a running server");
    }

    @Test
    void onlyAnOwnerMayReload() throws Exception {
        file.write(List.of(OLIVE, URSULA, VICTOR), List.of(a));
        Resp r = ursula.post("/reload");
        assertEquals(403, r.status(), r::toString);
        assertEquals(401, Api.of(server.publicBaseUrl(), Rig.VICTOR).get("/deployments").status(), "nothing reloaded");
        assertEquals(405, owner.get("/reload").status());
    }

    /** A borrower's WebSocket on {@code /pubsub}, recording what it receives. */
    static final class Socket implements WebSocket.Listener {
        record Closed(int code, String reason) {}

        final BlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final CompletableFuture<Closed> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        private WebSocket ws;

        static Socket open(String uri) throws Exception {
            Socket s = new Socket();
            s.ws = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(URI.create(uri), s).get(10, TimeUnit.SECONDS);
            return s;
        }

        void send(String text) {
            ws.sendText(text, true).join();
        }

        String nextContaining(String needle, long millis) throws InterruptedException {
            long deadline = System.nanoTime() + millis * 1_000_000;
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                String t = texts.poll(Math.max(left, 0), TimeUnit.MILLISECONDS);
                if (t == null) throw new AssertionError("no message containing " + needle + " within " + millis + " ms");
                if (t.contains(needle)) return t;
            }
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                texts.add(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(new Closed(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(new Closed(-1, String.valueOf(error)));
        }
    }
}
