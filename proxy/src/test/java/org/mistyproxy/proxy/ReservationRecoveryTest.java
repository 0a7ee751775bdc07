package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.mistyproxy.config.MistyProxyConfig;
import org.mistyproxy.proxy.Rig.Api;
import org.mistyproxy.proxy.instances.Journal;
import org.mistyproxy.proxy.instances.Lockouts;
import org.mistyproxy.proxy.instances.ReservationQueue;
import org.mistyproxy.proxy.server.ProxyServer;

/** Reservations survive a restart and a kill -9, and are never served twice nor lost. */
class ReservationRecoveryTest extends OneRobotFixture {
    private String reserve(Api who) {
        Rig.Resp r = who.post("/new/" + misty.id(), "{\"reserve\": true}");
        assertEquals(200, r.status(), r.body());
        return r.json().get("id").asText();
    }

    private static List<String> reservations(Api who) {
        return UseQueueTest.idsOf(who.get("/reservations").json().get("reservations"));
    }

    private static List<String> instances(Api who) {
        return Rig.texts(who.get("/instances?include_terminated").json().get("workspace_instances"));
    }

    @Test
    void aReservationSurvivesARestartAndIsServedOnceWhenTheRobotFrees() throws Exception {
        String held;
        String r1;
        try (ProxyServer first = ProxyServer.start(config, Rig.fast())) {
            held = Api.of(first.publicBaseUrl(), Rig.URSULA).ready(misty.id().toString());
            r1 = reserve(Api.of(first.publicBaseUrl(), Rig.VICTOR));
        }
        try (ProxyServer second = ProxyServer.start(config, Rig.fast())) {
            Api victor = Api.of(second.publicBaseUrl(), Rig.VICTOR);
            assertEquals(List.of(r1), reservations(victor));
            assertEquals(2, victor.get("/queuelen/" + misty.id()).json().get("queuelen").asInt());
            assertEquals(200, Api.of(second.publicBaseUrl(), Rig.URSULA).post("/terminate/" + held).status());
            Rig.await(() -> instances(victor).size() == 1, Duration.ofSeconds(10), () -> "victor's instance");
            victor.awaitStatus(instances(victor).get(0), "READY");
            assertEquals(List.of(), reservations(victor));
        }
        try (ProxyServer third = ProxyServer.start(config, Rig.fast())) {
            Api victor = Api.of(third.publicBaseUrl(), Rig.VICTOR);
            assertEquals(1, instances(victor).size(), "served once, whatever the restarts");
            assertEquals(List.of(), reservations(victor));
            assertEquals(List.of(), Files.readAllLines(dir.resolve(ReservationQueue.FILE)), "compacted on start: nothing waits");
        }
    }

    @Test
    void aReservationSurvivesKillMinus9BetweenEnqueueAndHandOver() throws Exception {
        Path log = dir.resolve("child.log");
        Path data = dir.resolve("data");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Dmistyproxy.log.level=info", "-Dorg.jboss.logging.provider=slf4j",
                ChildServer.class.getName(), data.toString(), String.valueOf(robot.port()), misty.id().toString())
                .redirectError(log.toFile()).start();
        String held;
        String r1;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertTrue(line != null && line.startsWith("LISTENING "), "child said: " + line + "\n" + Files.readString(log));
            String base = line.substring("LISTENING ".length());
            held = Api.of(base, Rig.URSULA).ready(misty.id().toString());
            r1 = reserve(Api.of(base, Rig.VICTOR));
        } finally {
            child.destroyForcibly(); // SIGKILL right after the reservation was acknowledged
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(137, child.exitValue(), "killed by SIGKILL");
        MistyProxyConfig same = Rig.config(data, List.of(misty));
        try (ProxyServer after = ProxyServer.start(same, Rig.fast())) {
            Api victor = Api.of(after.publicBaseUrl(), Rig.VICTOR);
            assertEquals(List.of(r1), reservations(victor), "the acknowledged reservation is still waiting");
            assertEquals(200, Api.of(after.publicBaseUrl(), Rig.URSULA).post("/terminate/" + held).status());
            Rig.await(() -> instances(victor).size() == 1, Duration.ofSeconds(10), () -> "victor's instance");
            assertEquals(List.of(), reservations(victor));
        }
    }

    @Test
    void aTornLastLineIsTruncatedButADamagedMiddleLineStopsTheStartUnlessSkipped() throws Exception {
        String r1;
        try (ProxyServer first = ProxyServer.start(config, Rig.fast())) {
            Api.of(first.publicBaseUrl(), Rig.URSULA).ready(misty.id().toString());
            r1 = reserve(Api.of(first.publicBaseUrl(), Rig.VICTOR));
        }
        Path file = dir.resolve(ReservationQueue.FILE);
        Files.writeString(file, "{\"op\":\"add\",\"reserv", StandardOpenOption.APPEND); // died mid-append
        try (ProxyServer second = ProxyServer.start(config, Rig.fast())) {
            assertEquals(List.of(r1), reservations(Api.of(second.publicBaseUrl(), Rig.VICTOR)));
        }
        assertTrue(Files.readString(file).endsWith("}\n"), "the torn fragment was cut off the file");
        List<String> lines = new java.util.ArrayList<>(Files.readAllLines(file));
        lines.add(0, "not json");
        Files.write(file, lines);
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> ProxyServer.start(config, Rig.fast()));
        assertTrue(e.getMessage().startsWith(file + ":1: damaged line in the middle of the file"), e.getMessage());
        try (ProxyServer third = ProxyServer.start(config, Rig.fast().withSkipDamagedJournalLines(true))) {
            assertEquals(List.of(r1), reservations(Api.of(third.publicBaseUrl(), Rig.VICTOR)),
                    "the flag drops the damaged line and keeps the rest");
        }
    }

    @Test
    void aCrashAfterTheInstanceWasWrittenButBeforeTheReservationWasMarkedServedDoesNotServeItTwice() throws Exception {
        String r1;
        try (ProxyServer first = ProxyServer.start(config, Rig.fast())) {
            Api owner = Api.of(first.publicBaseUrl(), Rig.OWNER);
            assertEquals(200, owner.post("/deployment/" + misty.id() + "/lockout").status());
            r1 = reserve(Api.of(first.publicBaseUrl(), Rig.VICTOR)); // waits for the unlock
        }
        // What the disk holds if the process died inside the hand-over that followed an unlock: the
        // unlock and the new instance (carrying the reservation's id) written, "served" not yet.
        String iid = UUID.randomUUID().toString();
        Files.writeString(dir.resolve(Lockouts.FILE),
                "{\"deployment\":\"" + misty.id() + "\",\"by\":\"OWNER\",\"unlock\":true}\n", StandardOpenOption.APPEND);
        Files.writeString(dir.resolve(Journal.FILE), "{\"id\":\"" + iid + "\",\"deployment\":\"" + misty.id()
                + "\",\"user\":\"victor\",\"status\":\"INIT\",\"startMillis\":" + System.currentTimeMillis()
                + ",\"reservation\":\"" + r1 + "\"}\n", StandardOpenOption.APPEND);
        try (ProxyServer after = ProxyServer.start(config, Rig.fast())) {
            Api victor = Api.of(after.publicBaseUrl(), Rig.VICTOR);
            assertEquals(List.of(), reservations(victor), "recognised as served");
            assertEquals(List.of(iid), instances(victor), "and not served a second time");
            victor.awaitStatus(iid, "READY");
            assertEquals(200, victor.post("/terminate/" + iid).status());
            assertEquals(List.of(iid), instances(victor));
            assertEquals(0, victor.get("/queuelen/" + misty.id()).json().get("queuelen").asInt());
        }
    }
}
