package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Headless Chromium driven by a playwright-core script in {@code src/test/browser}. Needs node,
 * /usr/bin/chromium and {@code npm ci --prefix proxy/src/test/browser}; without them a test is
 * skipped, except under CI=true, where it fails.
 */
public final class Chromium {
    public static final Path SCRIPT_DIR = Path.of("src/test/browser");

    private Chromium() {}

    public static void require() throws InterruptedException {
        String missing = null;
        if (!Files.isExecutable(Path.of("/usr/bin/chromium"))) {
            missing = "/usr/bin/chromium (apt-get install chromium)";
        } else if (!Files.isDirectory(SCRIPT_DIR.resolve("node_modules/playwright-core"))) {
            missing = "playwright-core (npm ci --prefix proxy/src/test/browser)";
        } else if (!nodeRuns()) {
            missing = "node";
        }
        if (missing == null) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            Assertions.fail("browser test needs " + missing + " and CI=true");
        }
        Assumptions.abort("browser test skipped: missing " + missing);
    }

    /** Runs {@code node script args...} in the script folder; the script's last output line, as JSON. */
    public static JsonNode run(String script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("node", script));
        cmd.addAll(List.of(args));
        Process node = new ProcessBuilder(cmd).directory(SCRIPT_DIR.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out;
        try {
            out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertTrue(node.waitFor(60, TimeUnit.SECONDS), "node did not finish");
        } finally {
            node.destroyForcibly();
        }
        assertEquals(0, node.exitValue(), "node failed: " + out);
        return new ObjectMapper().readTree(out.substring(out.lastIndexOf('\n') + 1));
    }

    private static boolean nodeRuns() throws InterruptedException {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
