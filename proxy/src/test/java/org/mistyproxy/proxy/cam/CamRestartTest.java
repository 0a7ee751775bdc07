package org.mistyproxy.proxy.cam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.Camera;

/** An instance whose cam add-on was active keeps working after a restart, and capture follows the add-on. */
class CamRestartTest {

    @TempDir
    Path dir;

    @Test
    void snapshotsWorkAfterARestartAndCaptureStopsOnTermination() throws Exception {
        Camera cam = CamServer.synthetic("0", 160, 120, 10, null);
        String iid;
        String token;
        java.util.UUID deployment;
        try (CamServer first = new CamServer(dir, cam)) {
            iid = first.instanceWithCam();
            token = first.camStatus(iid, "0").get("feed_token").asText();
            deployment = first.deployment.id();
            assertTrue(CamServer.json(first.get("/addon/cam/" + iid + "/0/img")).get("success").asBoolean());
        }
        try (CamServer second = new CamServer(dir, deployment, cam)) {
            assertEquals(token, second.camStatus(iid, "0").get("feed_token").asText(), "feed token survives");
            CamServer.await("capture of the recovered instance", Duration.ofSeconds(10),
                    () -> second.metrics().contains("mistyproxy_camera_capture_loops_active 1.0")
                            || CamServer.json(second.get("/addon/cam/" + iid + "/0/img")).get("success").asBoolean());
            assertTrue(CamServer.json(second.get("/addon/cam/" + iid + "/0/img")).get("success").asBoolean());
            assertEquals(200, second.send("POST", "/terminate/" + iid).statusCode());
            CamServer.await("capture to stop", Duration.ofSeconds(10),
                    () -> second.metrics().contains("mistyproxy_camera_capture_loops_active 0.0"));
            assertEquals(404, second.get("/addon/cam/" + iid + "/0/img").statusCode());
        }
    }
}
