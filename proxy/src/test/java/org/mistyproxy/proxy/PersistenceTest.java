package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mistyproxy.config.MistyProxyConfig;
import org.mistyproxy.proxy.Rig.Api;
import org.mistyproxy.proxy.access.ProxyToken;
import org.mistyproxy.proxy.instances.Journal;
import org.mistyproxy.proxy.server.ProxyServer;

/** Instances, add-ons and tokens survive a restart and a kill -9. */
class PersistenceTest extends OneRobotFixture {
    /** The part of a proxy URL after host:port, to rebuild it against a restarted server's (new) port. */
    private static String pathOf(String url) {
        return url.substring(url.indexOf('/', "http://".length()));
    }

    @Test
    void urlsSurviveARestart() throws Exception {
        String iid;
        String urlPath;
        JsonNode cam;
        try (ProxyServer first = ProxyServer.start(config, Rig.fast())) {
            Api a = Api.of(first.publicBaseUrl(), Rig.URSULA);
            iid = a.ready(misty.id().toString());
            urlPath = pathOf(a.activate(iid));
            cam = a.post("/addon/cam/" + iid).json();
            LifecycleTest.assertLive(first.publicBaseUrl() + urlPath);
        }
        try (ProxyServer second = ProxyServer.start(config, Rig.fast())) {
            Api a = Api.of(second.publicBaseUrl(), Rig.URSULA);
            assertEquals("READY", a.status(iid));
            LifecycleTest.assertLive(second.publicBaseUrl() + urlPath);
            assertEquals(urlPath, pathOf(a.get("/addon/mistyproxy/" + iid).json().get("url").get(1).asText()));
            assertEquals(cam.get("cameras").get(0).get("feed_token"), a.get("/addon/cam/" + iid).json().get("cameras").get(0).get("feed_token"));
            assertEquals(503, Api.of(second.publicBaseUrl(), Rig.VICTOR).post("/new/" + misty.id()).status(), "still busy");
            assertEquals(200, a.delete("/addon/mistyproxy/" + iid).status());
        }
        try (ProxyServer third = ProxyServer.start(config, Rig.fast())) {
            LifecycleTest.assertRevoked(third.publicBaseUrl() + urlPath);
            assertEquals(1, Files.readAllLines(dir.resolve(Journal.FILE)).size(), "the journal is compacted on start");
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(Journal.FILE))));
    }

    @Test
    void instancesThatExpiredWhileDownAreTerminatedOnStart() throws Exception {
        String iid;
        String urlPath;
        long expires;
        try (ProxyServer first = ProxyServer.start(config, Rig.fast())) {
            Api a = Api.of(first.publicBaseUrl(), Rig.URSULA);
            iid = a.post("/new/" + misty.id(), "{\"expire_d\": 1}").json().get("id").asText();
            a.awaitStatus(iid, "READY");
            urlPath = pathOf(a.activate(iid));
            expires = RerobotsTimes.parse(a.get("/instance/" + iid).json().get("expires").asText()).toEpochMilli();
        }
        Rig.await(() -> System.currentTimeMillis() > expires + 50, Duration.ofSeconds(5), () -> "time to pass the expiry");
        try (ProxyServer second = ProxyServer.start(config, Rig.fast())) {
            Api a = Api.of(second.publicBaseUrl(), Rig.URSULA);
            JsonNode info = a.get("/instance/" + iid).json();
            assertEquals("TERMINATED", info.get("status").asText());
            assertEquals("expired while the server was down", info.get("reason").asText());
            LifecycleTest.assertRevoked(second.publicBaseUrl() + urlPath);
        }
    }

    @Test
    void aTornLastLineIsIgnoredButACorruptMiddleIsReported() throws Exception {
        String iid;
        try (ProxyServer first = ProxyServer.start(config, Rig.fast())) {
            iid = Api.of(first.publicBaseUrl(), Rig.URSULA).ready(misty.id().toString());
        }
        Path journal = dir.resolve(Journal.FILE);
        Files.writeString(journal, "{\"id\":\"half-writ", StandardOpenOption.APPEND);
        try (ProxyServer second = ProxyServer.start(config, Rig.fast())) {
            assertEquals("READY", Api.of(second.publicBaseUrl(), Rig.URSULA).status(iid));
        }
        List<String> lines = new ArrayList<>(Files.readAllLines(journal));
        lines.add(0, "not json");
        Files.write(journal, lines);
        IOException e = assertThrows(IOException.class, () -> ProxyServer.start(config, Rig.fast()));
        assertTrue(e.getMessage().startsWith(journal + ":1: damaged line in the middle of the file"), e.getMessage());
        try (ProxyServer third = ProxyServer.start(config, Rig.fast().withSkipDamagedJournalLines(true))) {
            assertEquals("READY", Api.of(third.publicBaseUrl(), Rig.URSULA).status(iid), "the flag skips the damaged line");
        }
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void urlsSurviveKillMinus9() throws Exception {
        Path log = dir.resolve("child.log");
        Path access = dir.resolve("data").resolve("access.log"); // the access log is a file of its own
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Dmistyproxy.log.level=info", "-Dorg.jboss.logging.provider=slf4j",
                ChildServer.class.getName(), dir.resolve("data").toString(), String.valueOf(robot.port()), misty.id().toString())
                .redirectError(log.toFile()).start();
        String token;
        String iid;
        String urlPath;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertTrue(line != null && line.startsWith("LISTENING "), "child said: " + line + "\n" + Files.readString(log));
            Api a = Api.of(line.substring("LISTENING ".length()), Rig.URSULA);
            iid = a.ready(misty.id().toString());
            String url = a.activate(iid);
            urlPath = pathOf(url);
            token = url.substring(url.lastIndexOf('/') + 1);
            LifecycleTest.assertLive(url);
            // the access line is written after the answer went out: wait for it before killing
            Rig.await(() -> readQuietly(access).contains("route=proxy"), Duration.ofSeconds(10), () -> "access log line of the proxied request");
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hooks, no flushing
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(137, child.exitValue(), "killed by SIGKILL");
        MistyProxyConfig same = Rig.config(dir.resolve("data"), List.of(misty));
        try (ProxyServer after = ProxyServer.start(same, Rig.fast())) {
            LifecycleTest.assertLive(after.publicBaseUrl() + urlPath);
            assertEquals("READY", Api.of(after.publicBaseUrl(), Rig.URSULA).status(iid));
        }
        String logged = Files.readString(log) + Files.readString(access);
        assertTrue(logged.contains("event=mistyproxy_activated instance=" + iid + " token=" + ProxyToken.logId(token)), logged);
        assertTrue(logged.contains("route=proxy path=/" + ProxyToken.logId(token) + "/api/device"), logged);
        assertFalse(logged.contains(token), "the token never appears whole in logs");
        assertFalse(logged.contains(Rig.URSULA), "nor does the API token");
        assertNotEquals(-1, logged.indexOf("route=control"));
    }
}
