package org.mistyproxy.proxy.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The owner's stores (rules, lock-outs, reservations, ...) on a disk that fills, by fault injection. */
class JsonLinesTest {
    @TempDir
    Path tmp;

    @AfterEach
    void healDisk() {
        FailingChannel.full.set(false);
        FailingChannel.truncateFails.set(false);
    }

    private DataFolder folder(boolean skipDamaged) {
        return new DataFolder(tmp, skipDamaged, FailingChannel.opener());
    }

    @Test
    void aChangeThatCannotBeStoredLeavesTheFileAsItWasAndTheNextOneIsWhole() throws Exception {
        try (JsonLines file = JsonLines.open(folder(false), "rules.jsonl").file()) {
            file.append(Map.of("op", "add", "id", 1));
            FailingChannel.full.set(true);
            ChangeNotStored e = assertThrows(ChangeNotStored.class, () -> file.append(Map.of("op", "add", "id", 2, "pad", "x".repeat(300))));
            assertEquals("cannot store the change: no space left on the server", e.publicMessage());
            FailingChannel.full.set(false);
            file.append(Map.of("op", "delete", "id", 1));
        }
        JsonLines.Opened again = JsonLines.open(folder(false), "rules.jsonl");
        again.file().close();
        assertEquals(List.of("add", "delete"), again.lines().stream().map(n -> n.get("op").asText()).toList());
        assertEquals(List.of(1, 1), again.lines().stream().map(n -> n.get("id").asInt()).toList(), "the refused change left nothing behind");
    }

    @Test
    void aCompactionOnAFullDiskDoesNotStopTheStartAndLosesNothing() throws Exception {
        try (JsonLines file = JsonLines.open(folder(false), "lockouts.jsonl").file()) {
            file.append(Map.of("n", 1));
            file.append(Map.of("n", 2));
        }
        JsonLines.Opened opened = JsonLines.open(folder(false), "lockouts.jsonl");
        FailingChannel.full.set(true);
        opened.file().compactOnStart(List.of(Map.of("n", 2))); // logs a warning; the old file stays
        opened.file().close();
        FailingChannel.full.set(false);
        assertEquals(2, Files.readAllLines(tmp.resolve("lockouts.jsonl")).size(), "the old file is whole");
        assertTrue(Files.notExists(tmp.resolve("lockouts.jsonl.tmp")), "no temporary file left behind");
    }

    @Test
    void aDamagedMiddleLineIsRefusedWithItsFileAndNumberUnlessTheFolderSkipsIt() throws Exception {
        Path f = tmp.resolve("reservations.jsonl");
        Files.writeString(f, "{\"n\":1}\n{\"n\":\n{\"n\":3}\n");
        DamagedLine d = assertThrows(DamagedLine.class, () -> JsonLines.open(folder(false), "reservations.jsonl"));
        assertEquals(2, d.line());
        assertTrue(d.getMessage().startsWith(f + ":2: damaged line in the middle of the file"), d.getMessage());
        JsonLines.Opened skipped = JsonLines.open(folder(true), "reservations.jsonl");
        skipped.file().close();
        assertEquals(List.of(1, 3), skipped.lines().stream().map(n -> n.get("n").asInt()).toList());
    }
}
