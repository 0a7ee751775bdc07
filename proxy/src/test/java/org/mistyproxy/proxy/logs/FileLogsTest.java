package org.mistyproxy.proxy.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.Logs;
import org.slf4j.Logger;

class FileLogsTest {
    @TempDir
    Path tmp;

    @Test
    void theAccessLogRollsOverBySizeIntoCompressedFiles() throws Exception {
        String line = "client=127.0.0.1 method=GET route=proxy path=/tok:0123abcd/api/battery status=200 bytes=99 ms=1.0 pad="
                + "x".repeat(400);
        try (FileLogs logs = FileLogs.open(new Logs(tmp, 1, 30, 100))) {
            Logger access = logs.access();
            for (int i = 0; i < 6000; i++) { // ~3 MB through a 1 MB file
                access.info("{} n={}", line, i);
            }
        }
        List<Path> rolled;
        try (Stream<Path> s = Files.list(tmp)) {
            rolled = s.filter(p -> p.getFileName().toString().matches("access\\.\\d{4}-\\d{2}-\\d{2}\\.\\d+\\.log\\.gz")).toList();
        }
        assertTrue(rolled.size() >= 1, "size-based roll-over made compressed files: " + rolled);
        assertTrue(Files.size(tmp.resolve("access.log")) <= 1_200_000, "the live file stays near its bound");
        List<String> live = Files.readAllLines(tmp.resolve("access.log"));
        assertTrue(live.get(live.size() - 1).endsWith("n=5999"), "the newest line is in the live file, one event per line");
    }

    @Test
    void rolledOverFilesOlderThanKeepDaysAreDeletedAndNewerOnesKept() throws Exception {
        java.time.LocalDate today = java.time.LocalDate.now(java.time.ZoneOffset.UTC);
        Path old = tmp.resolve("access." + today.minusDays(6) + ".0.log.gz");
        Path oldAudit = tmp.resolve("audit." + today.minusDays(5) + ".0.jsonl.gz");
        Path recent = tmp.resolve("access." + today.minusDays(1) + ".0.log.gz");
        for (Path p : List.of(old, oldAudit, recent)) Files.write(p, new byte[] {0x1f, (byte) 0x8b});
        try (FileLogs logs = FileLogs.open(new Logs(tmp, 1, 2, 100))) {
            logs.access().info("started");
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            while (Files.exists(old) || Files.exists(oldAudit)) { // Logback cleans in the background
                assertTrue(System.nanoTime() < deadline, "files older than keep_days were deleted");
                Thread.sleep(10);
            }
            assertTrue(Files.exists(recent), "a file within keep_days stays");
        }
    }

    @Test
    void aLineLoggedWhileQuietIsOnDiskSoonWithoutACloseAndCloseWritesWhatIsQueued() throws Exception {
        Path file = tmp.resolve("audit.jsonl");
        try (FileLogs logs = FileLogs.open(Logs.in(tmp))) {
            logs.audit().info("first");
            // The file is buffered and flushed on a timer; a quiet log must still reach the file by itself.
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!(Files.exists(file) && Files.readString(file).equals("first\n"))) {
                assertTrue(System.nanoTime() < deadline, "the line reached the file within 5 s: " + (Files.exists(file) ? Files.readString(file) : "no file"));
                Thread.sleep(5);
            }
            for (int i = 0; i < 10_000; i++) {
                logs.audit().info("n={}", i);
            }
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(10_001, lines.size(), "closing wrote every queued line");
        assertEquals("n=9999", lines.get(lines.size() - 1));
    }

    @Test
    void aFullQueueDropsInsteadOfBlockingAndCountsTheDrops() throws Exception {
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        int total = 50_000;
        long dropped;
        try (FileLogs logs = FileLogs.open(Logs.in(tmp), 1)) {
            logs.bindTo(metrics);
            Logger access = logs.access();
            for (int i = 0; i < total; i++) {
                access.info("n={}", i);
            }
            dropped = logs.dropped(FileLogs.ACCESS);
            assertTrue(metrics.scrape().contains("mistyproxy_log_events_dropped_total{log=\"access\"} " + (double) dropped),
                    metrics.scrape());
        }
        long written = Files.readAllLines(tmp.resolve("access.log")).size();
        assertTrue(dropped > 0, "a one-slot queue cannot keep up with a tight loop, so some lines were dropped");
        assertTrue(written > 0 && written + dropped <= total, "written " + written + " + dropped " + dropped + " <= " + total);
        assertEquals(0, Files.readAllLines(tmp.resolve("audit.jsonl")).size(), "the audit log is a separate file");
    }

    @Test
    void boundedTextKeepsShortTextAndNotesTheRealLengthOfLongText() {
        assertEquals("/api/battery", LogText.bounded("/api/battery", 512));
        String longPath = "/" + "a".repeat(1_000_000);
        String b = LogText.bounded(longPath, 512);
        assertEquals(512 + "…[1000001 chars]".length(), b.length());
        assertTrue(b.endsWith("…[1000001 chars]"));
    }
}
