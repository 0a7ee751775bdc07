package org.mistyproxy.proxy.cam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.Camera;

/**
 * What a borrower reads when a camera fails never shows where its source lives (file paths, a
 * stream's host or path) nor a class name: not in the snapshot's JSON, not in the WebSocket feed's
 * close reasons. (The server log keeps the detail: the camera module's status cause, tested there.)
 */
class CamErrorMessagesTest {

    @TempDir
    Path dir;

    private void assertNothingInternal(String shown) {
        assertFalse(shown.contains(dir.toString()), shown);
        assertFalse(shown.contains("/tmp"), shown);
        assertFalse(shown.contains("secret-camera"), shown);
        assertFalse(shown.contains("127.0.0.1"), shown);
        assertFalse(shown.matches("(?s).*\\b(java|org|io)\\.[a-z]+\\..*"), shown);
        assertFalse(shown.contains("Exception"), shown);
    }

    @Test
    void unavailableCamerasSayWhyWithoutPathsHostsOrClassNames() throws Exception {
        Camera file = new Camera("file", dir.resolve("secret-camera.mp4").toString(), 160, 120, 10, Optional.empty(), 80);
        Camera stream = new Camera("stream", "http://127.0.0.1:1/secret-camera/stream.mjpg", 160, 120, 10, Optional.empty(), 80);
        try (CamServer rig = new CamServer(dir, file, stream)) {
            String iid = rig.instanceWithCam();
            for (String id : new String[] {"file", "stream", "0", "1"}) {
                JsonNode[] j = new JsonNode[1];
                CamServer.await("camera " + id + " to fail", Duration.ofSeconds(10), () -> {
                    j[0] = CamServer.json(rig.get("/addon/cam/" + iid + "/" + id + "/img"));
                    return !j[0].get("success").asBoolean() && !j[0].get("message").asText().contains("no frame");
                });
                String message = j[0].get("message").asText();
                assertTrue(message.startsWith("camera "), message);
                assertNothingInternal(message);
            }
            assertEquals("camera file unavailable: the video file does not exist",
                    CamServer.json(rig.get("/addon/cam/" + iid + "/file/img")).get("message").asText());
            assertTrue(CamServer.json(rig.get("/addon/cam/" + iid + "/stream/img")).get("message").asText()
                    .startsWith("camera stream unavailable: cannot open the stream"));

            // The feed socket's refusal reasons are borrower-facing too.
            CamFeedHttpTest.Collector ws = new CamFeedHttpTest.Collector();
            var socket = rig.http.newWebSocketBuilder().buildAsync(URI.create(rig.camStatus(iid, "file").get("feed_url").asText()), ws)
                    .get(10, TimeUnit.SECONDS);
            // The first card loads the natives in this JVM: seconds on a busy machine.
            CamServer.await("the notice card", Duration.ofSeconds(30), () -> !ws.texts.isEmpty());
            rig.send("DELETE", "/addon/cam/" + iid);
            assertEquals(1001, ws.closed.get(10, TimeUnit.SECONDS));
            assertNothingInternal(ws.reason);
            socket.abort();
        }
    }
}
