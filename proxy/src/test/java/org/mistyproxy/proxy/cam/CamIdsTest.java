package org.mistyproxy.proxy.cam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cameras answer to their position {@code 0, 1, ...} as well as to their configured name, for
 * snapshots, WebSocket and MJPEG feeds; the cam status lists both; a feed token still opens only
 * its own camera, whichever way the URL names it.
 */
class CamIdsTest {

    @TempDir
    Path dir;

    @Test
    void camerasAnswerToTheirPositionAndTheirName() throws Exception {
        try (CamServer rig = new CamServer(dir, CamServer.synthetic("front", 320, 240, 15, null),
                CamServer.synthetic("1", 160, 120, 15, null), CamServer.synthetic("top", 64, 48, 15, null))) {
            String iid = rig.instanceWithCam();

            JsonNode cams = CamServer.json(rig.get("/addon/cam/" + iid)).get("cameras");
            assertEquals(3, cams.size());
            String[] names = {"front", "1", "top"};
            for (int i = 0; i < 3; i++) {
                assertEquals(i, cams.get(i).get("index").asInt());
                assertEquals(names[i], cams.get(i).get("name").asText());
                assertEquals(names[i], cams.get(i).get("id").asText());
            }

            // Snapshots: the width tells which camera answered.
            int[] widths = {320, 160, 64};
            for (int i = 0; i < 3; i++) {
                for (String id : new String[] {Integer.toString(i), names[i]}) {
                    JsonNode j = CamServer.json(rig.get("/addon/cam/" + iid + "/" + id + "/img"));
                    if (!j.get("success").asBoolean()) { // still starting: by contract a 200 with a message
                        CamServer.await("camera " + id, Duration.ofSeconds(10),
                                () -> CamServer.json(rig.get("/addon/cam/" + iid + "/" + id + "/img")).get("success").asBoolean());
                        j = CamServer.json(rig.get("/addon/cam/" + iid + "/" + id + "/img"));
                    }
                    assertEquals(widths[i], j.get("width").asInt(), "camera " + id);
                }
            }
            assertEquals(404, rig.get("/addon/cam/" + iid + "/3/img").statusCode());
            assertEquals(404, rig.get("/addon/cam/" + iid + "/00/img").statusCode());

            // Feeds by position, with the camera's own token.
            JsonNode front = cams.get(0);
            String token = front.get("feed_token").asText();
            String byIndex = front.get("mjpeg_url").asText().replace("/front/mjpeg/", "/0/mjpeg/");
            assertTrue(byIndex.contains("/0/mjpeg/"), byIndex);
            HttpResponse<InputStream> mj = rig.http.send(HttpRequest.newBuilder(URI.create(byIndex)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, mj.statusCode());
            try (InputStream in = mj.body()) {
                CamFeedHttpTest.Part p = CamFeedHttpTest.part(in);
                assertEquals(320, CamFeedHttpTest.jpegOfDataUrl(
                        "data:image/jpeg;base64," + java.util.Base64.getEncoder().encodeToString(p.body())).getWidth());
            }
            CamFeedHttpTest.Collector ws = new CamFeedHttpTest.Collector();
            rig.http.newWebSocketBuilder().buildAsync(URI.create(
                    front.get("feed_url").asText().replace("/front/feed/", "/0/feed/")), ws).get(10, TimeUnit.SECONDS);
            CamServer.await("a frame by position", Duration.ofSeconds(10), () -> !ws.texts.isEmpty());
            assertEquals(320, CamFeedHttpTest.jpegOfDataUrl(ws.texts.get(0)).getWidth());

            // A token opens only its own camera: camera 1's URL with camera 0's token is refused.
            String wrong = front.get("mjpeg_url").asText().replace("/front/mjpeg/", "/1/mjpeg/");
            assertEquals(404, rig.http.send(HttpRequest.newBuilder(URI.create(wrong)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
            assertTrue(!token.isEmpty());
        }
    }
}
