package org.mistyproxy.proxy.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fault injection: the file system fails the way a full disk does, mid-write. */
class DurableLogTest {
    private static final Predicate<String> JSONISH = l -> l.startsWith("{") && l.endsWith("}");

    @TempDir
    Path tmp;

    @AfterEach
    void healDisk() {
        FailingChannel.full.set(false);
        FailingChannel.truncateFails.set(false);
    }

    @Test
    void aFailedAppendLeavesTheFileAtItsLastCompleteLineAndSaysNoSpace() throws Exception {
        Path f = tmp.resolve("s.jsonl");
        DurableLog.Opened o = DurableLog.open(f, JSONISH, false, FailingChannel.opener());
        try (DurableLog log = o.log()) {
            log.append("{\"n\":1}");
            long before = Files.size(f);
            FailingChannel.full.set(true);
            ChangeNotStored e = assertThrows(ChangeNotStored.class, () -> log.append("{\"n\":2,\"pad\":\"" + "x".repeat(200) + "\"}"));
            assertTrue(e.noSpace());
            assertEquals("cannot store the change: no space left on the server", e.publicMessage());
            assertTrue(!e.publicMessage().contains(tmp.toString()), "no path in what a client sees");
            assertEquals(before, Files.size(f), "the half-written line was truncated away");
            FailingChannel.full.set(false);
            log.append("{\"n\":3}");
        }
        assertEquals(List.of("{\"n\":1}", "{\"n\":3}"), Files.readAllLines(f), "the next line is never glued to a torn one");
    }

    @Test
    void whenEvenTruncationFailsTheNextAppendRepairsTheTailFirst() throws Exception {
        Path f = tmp.resolve("s.jsonl");
        try (DurableLog log = DurableLog.open(f, JSONISH, false, FailingChannel.opener()).log()) {
            log.append("{\"n\":1}");
            FailingChannel.full.set(true);
            FailingChannel.truncateFails.set(true);
            assertThrows(ChangeNotStored.class, () -> log.append("{\"n\":2,\"pad\":\"" + "y".repeat(100) + "\"}"));
            assertTrue(Files.readString(f).contains("yyyy"), "the torn bytes are still there");
            FailingChannel.full.set(false);
            FailingChannel.truncateFails.set(false);
            log.append("{\"n\":3}");
        }
        assertEquals(List.of("{\"n\":1}", "{\"n\":3}"), Files.readAllLines(f));
    }

    @Test
    void onOpenATornLastLineIsTruncatedAndADamagedMiddleLineIsRefusedWithItsNumber() throws Exception {
        Path f = tmp.resolve("s.jsonl");
        Files.writeString(f, "{\"n\":1}\n{\"n\":2}\n{\"n\":3,\"ha", StandardCharsets.UTF_8);
        DurableLog.Opened o = DurableLog.open(f, JSONISH, false);
        o.log().close();
        assertEquals(List.of("{\"n\":1}", "{\"n\":2}"), o.lines());
        assertEquals("{\"n\":1}\n{\"n\":2}\n", Files.readString(f), "the torn tail is gone from the file too");

        Files.writeString(f, "{\"n\":1}\nGARBAGE\n{\"n\":3}\n", StandardCharsets.UTF_8);
        DamagedLine d = assertThrows(DamagedLine.class, () -> DurableLog.open(f, JSONISH, false));
        assertEquals(2, d.line());
        assertTrue(d.getMessage().startsWith(f + ":2: damaged line"), d.getMessage());
        assertTrue(d.getMessage().contains("--skip-damaged-journal-lines"), "says how to start anyway");

        DurableLog.Opened skipped = DurableLog.open(f, JSONISH, true);
        skipped.log().close();
        assertEquals(List.of("{\"n\":1}", "{\"n\":3}"), skipped.lines());
    }

    @Test
    void aFailedRewriteKeepsTheOldFileWhole() throws Exception {
        Path f = tmp.resolve("s.jsonl");
        try (DurableLog log = DurableLog.open(f, JSONISH, false, FailingChannel.opener()).log()) {
            log.append("{\"n\":1}");
            log.append("{\"n\":2}");
            FailingChannel.full.set(true);
            assertThrows(ChangeNotStored.class, () -> log.rewrite(List.of("{\"n\":2}")));
            assertEquals(List.of("{\"n\":1}", "{\"n\":2}"), Files.readAllLines(f));
            assertTrue(!Files.exists(tmp.resolve("s.jsonl.tmp")), "no temporary file left behind");
            FailingChannel.full.set(false);
            log.rewrite(List.of("{\"n\":2}"));
            log.append("{\"n\":4}");
        }
        assertEquals(List.of("{\"n\":2}", "{\"n\":4}"), Files.readAllLines(f));
    }
}
