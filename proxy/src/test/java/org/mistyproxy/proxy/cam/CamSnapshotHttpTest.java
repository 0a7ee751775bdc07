package org.mistyproxy.proxy.cam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.Crop;

/** {@code GET /addon/cam/{iid}/{cid}/img} over a real socket, every format. */
class CamSnapshotHttpTest {

    @TempDir
    static Path dir;
    static CamServer rig;
    static String iid;

    @BeforeAll
    static void start() throws Exception {
        rig = new CamServer(dir, CamServer.synthetic("0", 320, 240, 15, null),
                CamServer.synthetic("left", 320, 240, 15, new Crop(0, 0, 160, 120)));
        iid = rig.instanceWithCam();
    }

    @AfterAll
    static void stop() {
        rig.close();
    }

    static void assertRgb(int[] expected, int[] got, int tol, String where) {
        for (int i = 0; i < 3; i++) {
            assertTrue(Math.abs(expected[i] - got[i]) <= tol, where + ": expected ~" + java.util.Arrays.toString(expected)
                    + " got " + java.util.Arrays.toString(got));
        }
    }

    static int[] rgb(BufferedImage img, int x, int y) {
        int p = img.getRGB(x, y);
        return new int[] {(p >> 16) & 0xff, (p >> 8) & 0xff, p & 0xff};
    }

    @Test
    void defaultIsTheContractJsonWithABase64Jpeg() throws Exception {
        HttpResponse<byte[]> r = rig.get("/addon/cam/" + iid + "/0/img");
        assertEquals(200, r.statusCode());
        assertEquals("application/json", r.headers().firstValue("content-type").orElseThrow());
        JsonNode j = CamServer.json(r);
        List<String> keys = new java.util.ArrayList<>();
        j.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("success", "format", "coding", "data", "width", "height", "sequence", "captured_at"), keys);
        assertTrue(j.get("success").asBoolean());
        assertEquals("JPEG", j.get("format").asText());
        assertEquals("base64", j.get("coding").asText());
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(j.get("data").asText())));
        assertEquals(320, img.getWidth());
        assertEquals(240, img.getHeight());
        assertRgb(new int[] {255, 0, 0}, rgb(img, 40, 30), 10, "red top left");
        assertRgb(new int[] {0, 255, 0}, rgb(img, 280, 30), 10, "green top right");
        assertRgb(new int[] {0, 0, 255}, rgb(img, 40, 210), 10, "blue bottom left");
        assertRgb(new int[] {255, 255, 255}, rgb(img, 280, 210), 10, "white bottom right");
        long seq = Long.parseLong(r.headers().firstValue("x-frame-sequence").orElseThrow());
        assertEquals(seq, j.get("sequence").asLong());
        Instant at = Instant.parse(r.headers().firstValue("x-frame-captured-at").orElseThrow());
        assertEquals(at, Instant.parse(j.get("captured_at").asText()));
        assertTrue(at.isAfter(Instant.now().minusSeconds(10)));
    }

    @Test
    void ndarrayIsExactRgbPixels() {
        JsonNode j = CamServer.json(rig.get("/addon/cam/" + iid + "/0/img?format=ndarray"));
        assertTrue(j.get("success").asBoolean());
        assertEquals("ndarray", j.get("format").asText());
        assertEquals("base64", j.get("coding").asText());
        assertEquals("uint8", j.get("dtype").asText());
        assertEquals("[240,320,3]", j.get("shape").toString());
        byte[] px = Base64.getDecoder().decode(j.get("data").asText());
        assertEquals(240 * 320 * 3, px.length);
        assertArrayEquals(new byte[] {(byte) 255, 0, 0}, java.util.Arrays.copyOfRange(px, 0, 3), "(0,0) red");
        int last = (239 * 320 + 319) * 3;
        assertArrayEquals(new byte[] {(byte) 255, (byte) 255, (byte) 255}, java.util.Arrays.copyOfRange(px, last, last + 3));
        int bottomLeft = (239 * 320) * 3;
        assertArrayEquals(new byte[] {0, 0, (byte) 255}, java.util.Arrays.copyOfRange(px, bottomLeft, bottomLeft + 3));
    }

    @Test
    void npyByQueryOrAcceptAndRawJpegByAccept() throws Exception {
        for (HttpResponse<byte[]> r : List.of(rig.get("/addon/cam/" + iid + "/0/img?format=npy"),
                rig.get("/addon/cam/" + iid + "/0/img", "Accept", "application/x-npy"))) {
            assertEquals(200, r.statusCode());
            assertEquals("application/x-npy", r.headers().firstValue("content-type").orElseThrow());
            byte[] b = r.body();
            assertEquals("NUMPY", new String(b, 1, 5, StandardCharsets.US_ASCII));
            int hl = (b[8] & 0xff) | (b[9] & 0xff) << 8;
            assertTrue(new String(b, 10, hl, StandardCharsets.US_ASCII).startsWith(
                    "{'descr': '|u1', 'fortran_order': False, 'shape': (240, 320, 3), }"));
            assertEquals(10 + hl + 240 * 320 * 3, b.length);
            assertTrue(r.headers().firstValue("x-frame-sequence").isPresent());
        }
        HttpResponse<byte[]> j = rig.get("/addon/cam/" + iid + "/0/img", "Accept", "image/jpeg");
        assertEquals("image/jpeg", j.headers().firstValue("content-type").orElseThrow());
        assertEquals(0xD8, j.body()[1] & 0xff);
        assertEquals(320, ImageIO.read(new ByteArrayInputStream(j.body())).getWidth());
    }

    @Test
    void downscaleQualityAndCropThroughTheQuery() throws Exception {
        HttpResponse<byte[]> r = rig.get("/addon/cam/" + iid + "/0/img?width=160", "Accept", "image/jpeg");
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(r.body()));
        assertEquals(160, img.getWidth());
        assertEquals(120, img.getHeight());
        JsonNode both = CamServer.json(rig.get("/addon/cam/" + iid + "/0/img?format=ndarray&width=100&height=50"));
        assertEquals("[50,100,3]", both.get("shape").toString());
        int big = rig.get("/addon/cam/" + iid + "/0/img?quality=95", "Accept", "image/jpeg").body().length;
        int small = rig.get("/addon/cam/" + iid + "/0/img?quality=5", "Accept", "image/jpeg").body().length;
        assertTrue(small < big, small + " < " + big);
        JsonNode left = CamServer.json(rig.get("/addon/cam/" + iid + "/left/img?format=ndarray"));
        assertEquals("[120,160,3]", left.get("shape").toString());
        byte[] px = Base64.getDecoder().decode(left.get("data").asText());
        // The crop [0,0,160,120] holds the red patch (80x60) at its top left and grey elsewhere.
        assertArrayEquals(new byte[] {(byte) 255, 0, 0}, java.util.Arrays.copyOfRange(px, 0, 3));
        int grey = (10 * 160 + 150) * 3;
        assertArrayEquals(new byte[] {(byte) 128, (byte) 128, (byte) 128}, java.util.Arrays.copyOfRange(px, grey, grey + 3));
    }

    @Test
    void badQueriesAreRefusedWithTheReason() {
        String[][] cases = {
            {"?width=999", "width 999 is out of range for camera 0: 1 to 320 (images can only be scaled down)"},
            {"?width=abc", "query parameter width: 'abc' is not an integer"},
            {"?quality=0", "quality 0 is out of range (1 to 100)"},
            {"?format=png", "format 'png' is not one of jpeg, ndarray, npy"},
            {"?colour=1", "unknown query parameter 'colour' (known: format, width, height, quality)"},
            {"?width=10&width=20", "query parameter 'width' is given more than once"},
        };
        for (String[] c : cases) {
            HttpResponse<byte[]> r = rig.get("/addon/cam/" + iid + "/0/img" + c[0]);
            assertEquals(400, r.statusCode(), c[0]);
            JsonNode j = CamServer.json(r);
            assertFalse(j.get("success").asBoolean());
            assertEquals(c[1], j.get("message").asText(), c[0]);
        }
        assertEquals(405, rig.send("POST", "/addon/cam/" + iid + "/0/img").statusCode());
        assertEquals(404, rig.get("/addon/cam/" + iid + "/nope/img").statusCode());
    }

    @Test
    void metricsCountFramesEncodesAndLatency() {
        rig.get("/addon/cam/" + iid + "/0/img");
        String m = rig.metrics();
        assertTrue(m.contains("mistyproxy_camera_frames_captured_total "), m);
        assertTrue(m.contains("mistyproxy_camera_encodes_total "), m);
        assertTrue(m.contains("mistyproxy_camera_snapshot_latency_seconds_count{format=\"jpeg\",outcome=\"ok\"}"), m);
        assertTrue(m.contains("mistyproxy_camera_capture_loops_active 1.0"), m);
    }
}
