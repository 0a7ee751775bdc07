package org.mistyproxy.proxy.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.mistyproxy.policy.Policy;

/**
 * Headless Chromium, driven by {@code src/test/browser/pubsub-page.mjs} (playwright-core), opens
 * a page on another origin whose own {@code new WebSocket(...)} subscribes through a proxy URL.
 * Needs node, /usr/bin/chromium and {@code npm ci --prefix proxy/src/test/browser}; without them
 * the test is skipped, except under CI=true, where it fails.
 */
class PubSubBrowserTest {
    private static final Path SCRIPT_DIR = Path.of("src/test/browser");

    @Test
    void pageOnAnotherOriginSubscribesThroughTheProxyAndAForeignOriginIsRefused() throws Exception {
        requireTools();
        int pagePort;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            pagePort = free.getLocalPort();
        }
        // Only the page's 127.0.0.1 origin is listed; the same page loaded as localhost is foreign.
        try (RelayFixture f = new RelayFixture(PubSubSettings.defaults(), Policy.load(PubSubRelayTest.testPolicy()),
                List.of("http://127.0.0.1:" + pagePort))) {
            Process node = new ProcessBuilder("node", "pubsub-page.mjs", f.proxyUrl("browser"), String.valueOf(pagePort),
                    "127.0.0.1", "localhost")
                    .directory(SCRIPT_DIR.toFile())
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            String out;
            try {
                out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                assertTrue(node.waitFor(60, TimeUnit.SECONDS), "node did not finish");
            } finally {
                node.destroyForcibly();
            }
            assertEquals(0, node.exitValue(), "node failed: " + out);
            JsonNode r = new ObjectMapper().readTree(out.substring(out.lastIndexOf('\n') + 1));

            JsonNode allowed = r.get("allowed");
            assertEquals("http://127.0.0.1:" + pagePort, allowed.get("origin").asText());
            assertTrue(allowed.get("opened").asBoolean());
            assertTrue(allowed.get("events").asInt() >= 3, r.toString());
            assertTrue(r.get("shownEvents").asInt() >= 3, "events shown on the page: " + r);
            assertTrue(r.get("firstShown").asText().startsWith("FrontTof "), r.toString());
            assertTrue(r.get("firstShown").asText().contains("Center"), r.toString());
            assertTrue(allowed.get("refusals").get(0).asText().contains("SelfState"), r.toString());

            JsonNode refused = r.get("refused");
            assertEquals("http://localhost:" + pagePort, refused.get("origin").asText());
            assertFalse(refused.get("opened").asBoolean(), r.toString());
            assertEquals(1006, refused.get("closeCode").asInt(), "a refused upgrade is an abnormal close to the page");

            assertEquals(1, f.metric("mistyproxy_ws_upgrades_failed_total{reason=\"origin\"}"));
            // only the allowed page's TimeOfFlight subscribe reached the robot
            assertEquals(1, f.robotSaw().size(), f.robotSaw().toString());
            assertTrue(f.robotSaw().get(0).contains("FrontTof"));
        }
    }

    private static void requireTools() throws IOException, InterruptedException {
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
