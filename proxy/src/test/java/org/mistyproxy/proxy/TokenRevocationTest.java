package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.Listen;
import org.mistyproxy.config.MistyProxyConfig;
import org.mistyproxy.config.Role;
import org.mistyproxy.config.User;
import org.mistyproxy.proxy.Rig.Api;
import org.mistyproxy.proxy.Rig.Resp;
import org.mistyproxy.proxy.access.ProxyToken;
import org.mistyproxy.proxy.access.RevokedTokens;
import org.mistyproxy.proxy.server.ProxyServer;

/**
 * Issue 11 item 6: {@code POST /revoke/{sha256}} and {@code POST /purge} take effect at once, last
 * across a restart and a {@code kill -9}, touch only the caller's own tokens, and leave the proxy
 * URLs already handed out working.
 */
class TokenRevocationTest extends OneRobotFixture {
    private static void assertWrongToken(Resp r) {
        assertEquals(401, r.status(), r::toString);
        assertEquals("wrong authorization token", r.errorMessage());
    }

    @Test
    void aRevokedTokenIsRefusedAtOnceButItsProxyUrlsKeepWorking() throws Exception {
        String url;
        String iid;
        try (ProxyServer server = ProxyServer.start(config, Rig.fast())) {
            Api ursula = Api.of(server.publicBaseUrl(), Rig.URSULA);
            Api victor = Api.of(server.publicBaseUrl(), Rig.VICTOR);
            iid = ursula.ready(misty.id().toString());
            url = ursula.activate(iid);

            // the token revokes itself: this very request still succeeds, the next one does not
            Resp revoke = ursula.post("/revoke/" + ProxyToken.sha256Hex(Rig.URSULA));
            assertEquals(200, revoke.status(), revoke::toString);
            assertEquals(1, revoke.json().get("revoked").asInt());
            for (Resp r : List.of(ursula.get("/instances"), ursula.get("/instance/" + iid), ursula.post("/terminate/" + iid),
                    ursula.get("/deployments?info=t"), ursula.get("/addon/cam/" + iid + "/front/img"),
                    ursula.post("/revoke/" + ProxyToken.sha256Hex(Rig.URSULA)))) {
                assertWrongToken(r);
            }

            // the proxy URL is a capability of the instance, not of the API token
            robot.clearRequests();
            LifecycleTest.assertLive(url);
            assertTrue(robot.requests().stream().anyMatch(r -> r.path().equals("/api/device")));
            assertEquals("READY", Api.of(server.publicBaseUrl(), Rig.OWNER).status(iid), "the terminate above was refused");

            // others are untouched
            assertEquals(200, victor.get("/instances").status());
        }
        try (ProxyServer again = ProxyServer.start(config, Rig.fast())) {
            assertWrongToken(Api.of(again.publicBaseUrl(), Rig.URSULA).get("/instances"));
            String path = url.substring(url.indexOf('/', "http://".length()));
            LifecycleTest.assertLive(again.publicBaseUrl() + path);
            // the owner ends the loan; then the URL dies as always
            assertEquals(200, Api.of(again.publicBaseUrl(), Rig.OWNER).post("/terminate/" + iid).status());
            LifecycleTest.assertRevoked(again.publicBaseUrl() + path);
            assertEquals(200, Api.of(again.publicBaseUrl(), Rig.VICTOR).get("/instances").status());
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(RevokedTokens.FILE))));
        assertFalse(Files.readString(dir.resolve(RevokedTokens.FILE)).contains(Rig.URSULA), "only hashes are stored");
    }

    @Test
    void onlyYourOwnTokens() throws Exception {
        try (ProxyServer server = ProxyServer.start(config, Rig.fast())) {
            Api ursula = Api.of(server.publicBaseUrl(), Rig.URSULA);
            Api victor = Api.of(server.publicBaseUrl(), Rig.VICTOR);
            String ursulas = ProxyToken.sha256Hex(Rig.URSULA);
            Resp notYours = victor.post("/revoke/" + ursulas);
            assertEquals(404, notYours.status());
            assertEquals("no API token of user victor has SHA-256 " + ursulas, notYours.errorMessage());
            Resp owners = Api.of(server.publicBaseUrl(), Rig.OWNER).post("/revoke/" + ursulas);
            assertEquals(404, owners.status(), "an owner revokes users' tokens in the configuration, not here");
            assertEquals(200, ursula.get("/instances").status());

            Resp notHex = victor.post("/revoke/" + Rig.VICTOR);
            assertEquals(400, notHex.status());
            assertEquals("/revoke/{sha256}: expected the SHA-256 of an API token as 64 hexadecimal digits, got "
                    + Rig.VICTOR.length() + " characters", notHex.errorMessage());
            assertEquals(405, victor.get("/revoke/" + ProxyToken.sha256Hex(Rig.VICTOR)).status());
            assertEquals(405, victor.get("/purge").status());
            assertEquals(200, victor.get("/instances").status(), "refused calls revoked nothing");
            // upper-case hex names the same token
            assertEquals(200, victor.post("/revoke/" + ProxyToken.sha256Hex(Rig.VICTOR).toUpperCase()).status());
            assertWrongToken(victor.get("/instances"));
        }
    }

    @Test
    void purgeRevokesEveryTokenOfTheCaller() throws Exception {
        try (ProxyServer server = ProxyServer.start(config, Rig.fast())) {
            Api victor = Api.of(server.publicBaseUrl(), Rig.VICTOR);
            Resp purge = victor.post("/purge");
            assertEquals(200, purge.status(), purge::toString);
            assertEquals(1, purge.json().get("revoked").asInt());
            assertWrongToken(victor.get("/instances"));
            assertWrongToken(victor.post("/purge"));
            assertEquals(200, Api.of(server.publicBaseUrl(), Rig.URSULA).get("/instances").status());
            assertEquals(200, Api.of(server.publicBaseUrl(), Rig.OWNER).get("/instances").status());
        }
    }

    @Test
    void aUserWithSeveralTokensRevokesOneOrPurgesAll() throws Exception {
        String laptop = "wendy-laptop-token";
        String robotScript = "wendy-script-token";
        List<User> users = new java.util.ArrayList<>(Rig.users());
        users.add(new User("wendy", Role.USER, List.of(ProxyToken.sha256Hex(laptop), ProxyToken.sha256Hex(robotScript))));
        MistyProxyConfig several = new MistyProxyConfig(dir.resolve("mistyproxy.yaml"), new Listen("127.0.0.1", 0),
                Optional.empty(), Optional.empty(), dir, users, List.of(misty));
        try (ProxyServer server = ProxyServer.start(several, Rig.fast())) {
            Api fromLaptop = Api.of(server.publicBaseUrl(), laptop);
            Api fromScript = Api.of(server.publicBaseUrl(), robotScript);
            String iid = fromLaptop.ready(misty.id().toString());
            assertEquals("READY", fromScript.status(iid), "both tokens are the same user");

            // the laptop is lost: revoke its token from the script's
            assertEquals(200, fromScript.post("/revoke/" + ProxyToken.sha256Hex(laptop)).status());
            assertWrongToken(fromLaptop.get("/instances"));
            assertEquals(200, fromScript.get("/instances").status());

            Resp purge = fromScript.post("/purge");
            assertEquals(1, purge.json().get("revoked").asInt(), "only the one still valid was new");
            assertWrongToken(fromScript.get("/instances"));
            assertEquals(200, Api.of(server.publicBaseUrl(), Rig.URSULA).get("/instances").status());
        }
    }

    @Test
    void revocationSurvivesKillMinus9() throws Exception {
        Path data = dir.resolve("data");
        Path log = dir.resolve("child.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Dmistyproxy.log.level=info", "-Dorg.jboss.logging.provider=slf4j",
                ChildServer.class.getName(), data.toString(), String.valueOf(robot.port()), misty.id().toString())
                .redirectError(log.toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertTrue(line != null && line.startsWith("LISTENING "), "child said: " + line + "\n" + Files.readString(log));
            Api ursula = Api.of(line.substring("LISTENING ".length()), Rig.URSULA);
            assertEquals(200, Api.of(line.substring("LISTENING ".length()), Rig.VICTOR)
                    .post("/revoke/" + ProxyToken.sha256Hex(Rig.VICTOR)).status());
            assertEquals(200, ursula.post("/purge").status());
            assertWrongToken(ursula.get("/instances"));
            // the access line is written after the answer went out: wait for it before killing
            Path access = data.resolve("access.log"); // the access log is a file of its own
            Rig.await(() -> readQuietly(access).contains("path=/revoke/tok:"), Duration.ofSeconds(10), () -> "access log line");
        } finally {
            child.destroyForcibly(); // SIGKILL right after the answer: nothing but the fsync'd line can save it
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(137, child.exitValue());
        Deployment same = new Deployment(misty.id(), "fixed_misty2", "lab", "child", misty.robot(), misty.policy(),
                misty.corsOrigins(), List.of(Rig.synthetic("front")));
        try (ProxyServer after = ProxyServer.start(Rig.config(data, List.of(same)), Rig.fast())) {
            assertWrongToken(Api.of(after.publicBaseUrl(), Rig.URSULA).get("/instances"));
            assertWrongToken(Api.of(after.publicBaseUrl(), Rig.VICTOR).get("/instances"));
            assertEquals(200, Api.of(after.publicBaseUrl(), Rig.OWNER).get("/instances").status());
        }
        // the server log (standard error) and the access log (a file of its own) together
        String logged = Files.readString(log) + Files.readString(data.resolve("access.log"));
        assertTrue(logged.contains("event=api_tokens_purged user=ursula tokens=1 new=1"), logged);
        assertFalse(logged.contains(Rig.URSULA), "the API token never appears in logs");
        assertFalse(logged.contains(ProxyToken.sha256Hex(Rig.URSULA)), "nor its whole hash");
        assertFalse(logged.contains(ProxyToken.sha256Hex(Rig.VICTOR)), "not even in the path of POST /revoke/{sha256}");
        assertTrue(logged.contains("path=/revoke/tok:" + ProxyToken.sha256Hex(Rig.VICTOR).substring(0, 8)), logged);
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    @Test
    void aDeploymentIdIsNotAToken() throws Exception {
        try (ProxyServer server = ProxyServer.start(config, Rig.fast())) {
            Resp r = Api.of(server.publicBaseUrl(), Rig.URSULA).post("/revoke/" + UUID.randomUUID());
            assertEquals(400, r.status());
        }
    }
}
