package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.Logs;
import org.mistyproxy.config.MistyProxyConfig;
import org.mistyproxy.proxy.Rig.Api;
import org.mistyproxy.proxy.Rig.Resp;
import org.mistyproxy.proxy.instances.Journal;
import org.mistyproxy.proxy.server.ProxyServer;
import org.mistyproxy.sim.Simulator;

/**
 * data_dir on a real, small file system (a 512 KiB tmpfs the test mounts) that fills up: a change
 * that cannot be stored is refused with 503 and changes nothing, the journal never keeps a torn
 * line, a loan that must end (expiry) ends anyway and is written once there is room, the server
 * starts again, and another instance on the same server is unaffected throughout. Needs root to
 * mount (CI runs as root); skipped with a message otherwise.
 */
class FullDiskTest {
    private static final String NO_SPACE = "cannot store the change: no space left on the server";

    @TempDir Path dir;
    Path mnt;
    Path filler;
    Simulator robotA;
    Simulator robotB;
    Deployment a;
    Deployment b;
    Deployment c;
    MistyProxyConfig config;

    @BeforeEach
    void mount() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "FullDiskTest needs root to mount a tmpfs (CI runs as root); skipped for user " + System.getProperty("user.name"));
        mnt = dir.resolve("mnt");
        Files.createDirectories(mnt);
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", mnt.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "mount tmpfs: " + out);
        filler = mnt.resolve("filler");
        robotA = Simulator.start("127.0.0.1", 0);
        robotB = Simulator.start("127.0.0.1", 0);
        a = Rig.deployment("misty_a", robotA.port());
        b = Rig.deployment("misty_b", robotB.port());
        c = Rig.deployment("misty_c", robotB.port());
        // the logs live elsewhere, so that only the journal meets the full disk
        config = Rig.config(mnt.resolve("data"), List.of(a, b, c)).withLogs(Logs.in(dir.resolve("logs")));
    }

    @AfterEach
    void unmount() throws Exception {
        if (mnt == null) return;
        robotA.close();
        robotB.close();
        new ProcessBuilder("umount", "-l", mnt.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
    }

    private void fillDisk() throws IOException {
        byte[] chunk = new byte[4096];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) out.write(chunk);
        } catch (IOException full) {
            // the file system is full now
        }
    }

    /**
     * A full tmpfs still lets a file grow inside its last page. The owner's instance on a third
     * deployment toggles its add-on until a write fails, so the journal's slack is smaller than an
     * activation line (57 bytes more than a plain record, "olive" being one letter shorter than
     * "ursula"); a terminate line is at least 62 bytes more, so it cannot fit either.
     */
    private void consumeJournalSlack(Api owner, String iid) {
        for (int i = 0; i < 200; i++) {
            if (owner.delete("/addon/mistyproxy/" + iid).status() == 503) return;
            if (owner.post("/addon/mistyproxy/" + iid).status() == 503) return;
        }
        throw new AssertionError("the journal never met the full disk");
    }

    private void assertJournalWhole() throws IOException {
        byte[] bytes = Files.readAllBytes(config.dataDir().resolve(Journal.FILE));
        assertTrue(bytes.length == 0 || bytes[bytes.length - 1] == '\n', "the journal ends with a complete line");
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(config.dataDir().resolve(Journal.FILE))) json.readTree(line);
    }

    @Test
    void aTerminateOnAFullDiskIsRefusedAndChangesNothingThenSucceedsOnceThereIsRoom() throws Exception {
        String iid;
        String url;
        try (ProxyServer server = ProxyServer.start(config, Rig.fast())) {
            Api ursula = Api.of(server.publicBaseUrl(), Rig.URSULA);
            Api victor = Api.of(server.publicBaseUrl(), Rig.VICTOR);
            iid = ursula.ready(a.id().toString());
            url = ursula.activate(iid);
            String other = victor.ready(b.id().toString());
            String otherUrl = victor.activate(other);
            Api olive = Api.of(server.publicBaseUrl(), Rig.OWNER);
            String padding = olive.ready(c.id().toString());
            olive.activate(padding);

            fillDisk();
            consumeJournalSlack(olive, padding);
            Resp r = ursula.post("/terminate/" + iid);
            assertEquals(503, r.status(), r.toString());
            assertEquals(NO_SPACE, r.errorMessage());
            assertFalse(r.body().contains(mnt.toString()), "no path in the answer");
            assertEquals("READY", ursula.status(iid), "memory unchanged");
            LifecycleTest.assertLive(url);
            Resp busy = ursula.post("/new/" + a.id(), "{}");
            assertEquals(503, busy.status(), "the deployment is still held by the loan that was not ended");
            assertJournalWhole();
            // the other borrower goes on: their robot, their URL
            LifecycleTest.assertLive(otherUrl);
            assertEquals("READY", victor.status(other));

            Files.delete(filler);
            assertEquals(200, ursula.post("/terminate/" + iid).status());
            assertEquals("TERMINATED", ursula.status(iid));
            LifecycleTest.assertRevoked(url);
            assertJournalWhole();
        }
        try (ProxyServer again = ProxyServer.start(config, Rig.fast())) {
            assertEquals("TERMINATED", Api.of(again.publicBaseUrl(), Rig.URSULA).status(iid));
            LifecycleTest.assertRevoked(again.publicBaseUrl() + url.substring(url.indexOf('/', "http://".length())));
        }
    }

    @Test
    void anExpiryOnAFullDiskEndsTheLoanAnywayAndIsWrittenOnceThereIsRoom() throws Exception {
        String iid;
        try (ProxyServer server = ProxyServer.start(config, Rig.fast().withHousekeeping(Duration.ofMillis(200)))) {
            Api ursula = Api.of(server.publicBaseUrl(), Rig.URSULA);
            Resp created = ursula.post("/new/" + a.id(), "{\"expire_d\": 3}");
            iid = created.json().get("id").asText();
            ursula.awaitStatus(iid, "READY");
            String url = ursula.activate(iid);
            Api olive = Api.of(server.publicBaseUrl(), Rig.OWNER);
            String padding = olive.ready(c.id().toString());
            olive.activate(padding);
            fillDisk();
            consumeJournalSlack(olive, padding);
            Rig.await(() -> Rig.fetch(url + "/api/device").status() == 404, Duration.ofSeconds(15), () -> "the loan ended at expiry");
            assertEquals("TERMINATED", ursula.status(iid), "no instance is left TERMINATING");
            String journal = Files.readString(config.dataDir().resolve(Journal.FILE));
            assertFalse(journal.contains("TERMINATED"), "not written yet: the disk is full");
            Files.delete(filler);
            Rig.await(() -> {
                try {
                    return Files.readString(config.dataDir().resolve(Journal.FILE)).contains("TERMINATED");
                } catch (IOException e) {
                    return false;
                }
            }, Duration.ofSeconds(15), () -> "housekeeping wrote the end once there was room");
            assertJournalWhole();
        }
        try (ProxyServer again = ProxyServer.start(config, Rig.fast())) {
            assertEquals("TERMINATED", Api.of(again.publicBaseUrl(), Rig.URSULA).status(iid));
        }
    }

    /**
     * Makes and unmakes one owner's change until the disk refuses one (a full tmpfs still lets a
     * file grow inside its last page). Returns whether the change stood when the disk refused.
     */
    private static boolean toggleUntilRefused(java.util.function.Supplier<Resp> make, java.util.function.Supplier<Resp> unmake) {
        boolean made = false;
        for (int i = 0; i < 400; i++) {
            Resp r = made ? unmake.get() : make.get();
            if (r.status() == 503) {
                assertEquals(NO_SPACE, r.errorMessage());
                assertFalse(r.body().contains("/"), "no path in the answer: " + r.body());
                return made;
            }
            assertEquals(200, r.status(), r.toString());
            made = !made;
        }
        throw new AssertionError("the store never met the full disk");
    }

    @Test
    void theOwnersChangesOnAFullDiskAreRefusedWholeWith503AndLandOnceThereIsRoom() throws Exception {
        String rulePath = "/deployment/" + b.id() + "/rule";
        String lockPath = "/deployment/" + b.id() + "/lockout";
        String denyVictor = "{\"cap\": \"CAP_NO_INSTANTIATE\", \"user\": \"victor\"}";
        boolean ruleStood;
        boolean lockStood;
        boolean reservationStood;
        try (ProxyServer server = ProxyServer.start(config, Rig.fast())) {
            Api olive = Api.of(server.publicBaseUrl(), Rig.OWNER);
            Api ursula = Api.of(server.publicBaseUrl(), Rig.URSULA);
            Api victor = Api.of(server.publicBaseUrl(), Rig.VICTOR);
            String held = ursula.ready(a.id().toString());
            fillDisk();

            int[] ruleId = {0};
            ruleStood = toggleUntilRefused(() -> {
                Resp r = olive.post(rulePath, denyVictor);
                if (r.status() == 200) ruleId[0] = r.json().get("rule_id").asInt();
                return r;
            }, () -> olive.delete(rulePath + "/" + ruleId[0]));
            assertEquals(ruleStood ? 1 : 0, olive.get("/deployment/" + b.id() + "/rules").json().get("rules").size(),
                    "the refused change left the rules as they were");
            lockStood = toggleUntilRefused(() -> olive.post(lockPath), () -> olive.delete(lockPath));
            assertEquals(lockStood, olive.get("/deployment/" + b.id()).json().get("lockout").asBoolean(),
                    "the refused change left the lock-out as it was");
            String[] rid = {null};
            reservationStood = toggleUntilRefused(() -> {
                Resp r = victor.post("/new/" + a.id(), "{\"reserve\": true}");
                if (r.status() == 200) rid[0] = r.json().get("id").asText();
                return r;
            }, () -> victor.delete("/reservation/" + rid[0]));
            assertEquals(reservationStood ? 1 : 0, victor.get("/reservations").json().get("reservations").size(),
                    "the refused change left the queue as it was");
            assertEquals("READY", ursula.status(held), "the loan goes on");

            Files.delete(filler);
            // the change the disk refused now lands
            assertEquals(200, (ruleStood ? olive.delete(rulePath + "/" + ruleId[0]) : olive.post(rulePath, denyVictor)).status());
            assertEquals(200, (lockStood ? olive.delete(lockPath) : olive.post(lockPath)).status());
            assertEquals(200, (reservationStood ? victor.delete("/reservation/" + rid[0])
                    : victor.post("/new/" + a.id(), "{\"reserve\": true}")).status());
        }
        for (String name : List.of("rules.jsonl", "lockouts.jsonl", "reservations.jsonl")) {
            String text = Files.readString(config.dataDir().resolve(name));
            assertTrue(text.isEmpty() || text.endsWith("}\n"), name + " ends with a complete line");
        }
        try (ProxyServer again = ProxyServer.start(config, Rig.fast())) {
            Api olive = Api.of(again.publicBaseUrl(), Rig.OWNER);
            assertEquals(ruleStood ? 0 : 1, olive.get("/deployment/" + b.id() + "/rules").json().get("rules").size(), "durable");
            assertEquals(!lockStood, olive.get("/deployment/" + b.id()).json().get("lockout").asBoolean(), "durable");
            assertEquals(reservationStood ? 0 : 1,
                    Api.of(again.publicBaseUrl(), Rig.VICTOR).get("/reservations").json().get("reservations").size(), "durable");
        }
    }
}
