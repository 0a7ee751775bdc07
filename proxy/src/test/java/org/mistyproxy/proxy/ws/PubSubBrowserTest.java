package org.mistyproxy.proxy.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.mistyproxy.policy.Policy;
import org.mistyproxy.proxy.Chromium;

/**
 * Headless Chromium, driven by {@code src/test/browser/pubsub-page.mjs} (playwright-core), opens
 * a page on another origin whose own {@code new WebSocket(...)} subscribes through a proxy URL.
 * See {@link Chromium} for what it needs.
 */
class PubSubBrowserTest {

    @Test
    void pageOnAnotherOriginSubscribesThroughTheProxyAndAForeignOriginIsRefused() throws Exception {
        Chromium.require();
        int pagePort;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            pagePort = free.getLocalPort();
        }
        // Only the page's 127.0.0.1 origin is listed; the same page loaded as localhost is foreign.
        try (RelayFixture f = new RelayFixture(PubSubSettings.defaults(), Policy.load(PubSubRelayTest.testPolicy()),
                List.of("http://127.0.0.1:" + pagePort))) {
            JsonNode r = Chromium.run("pubsub-page.mjs", f.proxyUrl("browser"), String.valueOf(pagePort),
                    "127.0.0.1", "localhost");

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
}
