package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.MistyProxyConfig;
import org.mistyproxy.proxy.Rig.Api;
import org.mistyproxy.proxy.instances.Journal;
import org.mistyproxy.proxy.server.ProxyServer;
import org.mistyproxy.sim.Simulator;

/**
 * Nothing is kept for ever: an ended loan's audit ring is released at once, the instance leaves
 * memory after the retention period and the journal with it; {@code eurl} is written once.
 */
class RetentionTest {
    /** A clock the test moves forward. */
    static final class MovableClock extends Clock {
        final AtomicLong offset = new AtomicLong();

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(System.currentTimeMillis() + offset.get());
        }
    }

    @TempDir Path dir;
    Simulator robot;
    Deployment misty;

    @BeforeEach
    void start() {
        robot = Simulator.start("127.0.0.1", 0);
        misty = Rig.deployment("fixed_misty2", robot.port());
    }

    @AfterEach
    void stop() {
        robot.close();
    }

    private String journal() {
        return read(Journal.FILE);
    }

    private String read(String file) {
        try {
            return Files.readString(dir.resolve(file));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void endedLoansReleaseTheirAuditRingAtOnceAndLeaveMemoryAndJournalAfterRetention() throws Exception {
        MovableClock clock = new MovableClock();
        MistyProxyConfig config = Rig.config(dir, List.of(misty)).withRetentionDays(1);
        try (ProxyServer server = ProxyServer.start(config, Rig.fast().withClock(clock).withHousekeeping(Duration.ofMillis(100)))) {
            Api a = Api.of(server.publicBaseUrl(), Rig.URSULA);
            String eurl = "https://example.org/hooks/" + "e".repeat(2000);
            String iid = a.post("/new/" + misty.id(), "{\"eurl\": \"" + eurl + "\"}").json().get("id").asText();
            a.awaitStatus(iid, "READY");
            String url = a.activate(iid);
            Rig.fetch(url + "/api/battery");
            Rig.await(() -> a.get("/addon/mistyproxy/" + iid + "/log").json().get("requests").asInt() == 1,
                    Duration.ofSeconds(5), () -> "the request is in the audit ring");
            a.delete("/addon/mistyproxy/" + iid);
            a.post("/addon/mistyproxy/" + iid);
            assertEquals(1, journal().split("hooks/", -1).length - 1, "eurl is written once, not with every change");

            assertEquals(200, a.post("/terminate/" + iid).status());
            // The borrower's entries went with the loan (audit.jsonl keeps them). What mistyproxy
            // itself tells the robot as the loan ends (on_end) may still arrive and is readable for
            // a minute (LoanEndTest reads it), so only those may be in a ring now.
            JsonNode left = a.get("/addon/mistyproxy/" + iid + "/log").json().get("entries");
            left.forEach(e -> assertEquals("safety", e.get("channel").asText(), "the ring went with the loan: " + left));
            // audit.jsonl is written by an asynchronous appender: await the line, do not race it.
            Rig.await(() -> read("audit.jsonl").contains("/api/battery"), Duration.ofSeconds(5),
                    () -> "audit.jsonl keeps the ended loan's entries");

            String other = a.ready(misty.id().toString()); // a live instance is never forgotten
            clock.offset.set(Duration.ofDays(2).toMillis());
            Rig.await(() -> a.get("/instance/" + iid).status() == 404, Duration.ofSeconds(10), () -> "forgotten after retention");
            Rig.await(() -> !journal().contains(iid), Duration.ofSeconds(10), () -> "gone from the compacted journal");
            assertEquals("READY", a.status(other));
            assertTrue(journal().contains(other));
        }
        try (ProxyServer again = ProxyServer.start(config, Rig.fast())) {
            Api a = Api.of(again.publicBaseUrl(), Rig.URSULA);
            assertEquals(1, a.get("/instances").json().get("workspace_instances").size(), "only the live one came back");
            assertFalse(journal().contains("hooks/"), "the forgotten instance's eurl is gone too");
        }
    }
}
