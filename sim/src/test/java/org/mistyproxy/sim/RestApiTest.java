package org.mistyproxy.sim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RestApiTest {
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private Simulator robot;

    @BeforeEach
    void start() {
        robot = Simulator.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        robot.close();
    }

    private HttpResponse<String> send(String method, String target, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(robot.baseUrl() + target)).timeout(Duration.ofSeconds(20));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String target) throws Exception {
        return send("GET", target, null);
    }

    private HttpResponse<String> post(String target, String body) throws Exception {
        return send("POST", target, body);
    }

    private JsonNode result(HttpResponse<String> r) throws Exception {
        assertEquals(200, r.statusCode(), r.body());
        JsonNode envelope = json.readTree(r.body());
        assertEquals("Success", envelope.path("status").asText(), r.body());
        return envelope.path("result");
    }

    private String badArgument(HttpResponse<String> r) throws Exception {
        assertEquals(400, r.statusCode(), r.body());
        JsonNode envelope = json.readTree(r.body());
        assertEquals("Failed", envelope.path("status").asText());
        return envelope.path("error").asText();
    }

    private JsonNode state() throws Exception {
        return json.readTree(robot.stateJson());
    }

    @Test
    void deviceInformationComesInTheEnvelopeWithCommandVersion() throws Exception {
        HttpResponse<String> r = get("/api/device");
        assertEquals("Current", r.headers().firstValue("Misty-Command-Version").orElseThrow());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("SIM00000000", result(r).path("serialNumber").asText());
    }

    @Test
    void deviceInformationLeaksTheHotspotPasswordWhileTheHotspotIsOn() throws Exception {
        assertEquals("sim-hotspot-password-0451", result(get("/api/device")).path("currentPreSharedKey").asText());
        result(post("/api/networks/hotspot/stop", null));
        assertTrue(result(get("/api/device")).path("currentPreSharedKey").isNull());
        result(post("/api/networks/hotspot/start", null));
        assertEquals("Misty-SIM00000000", result(get("/api/device")).path("currentProfileName").asText());
    }

    @Test
    void alphaCommandsSayAlphaInTheVersionHeader() throws Exception {
        HttpResponse<String> r = post("/api/tts/speak", "{\"Text\": \"hello\"}");
        result(r);
        assertEquals("Alpha", r.headers().firstValue("Misty-Command-Version").orElseThrow());
        assertEquals("hello", state().path("lastSpoken").asText());
    }

    @Test
    void batteryDrainsOverTime() throws Exception {
        double first = result(get("/api/battery")).path("chargePercent").asDouble();
        assertTrue(first > 0 && first <= 1, "charge " + first);
        assertTrue(Await.until(() -> result(get("/api/battery")).path("chargePercent").asDouble() < first,
                Duration.ofSeconds(5)), "the charge falls");
    }

    @Test
    void ledChangesAndReadsBack() throws Exception {
        result(post("/api/led", "{\"Red\": 255, \"Green\": 10, \"Blue\": 0}"));
        JsonNode led = state().path("led");
        assertEquals(255, led.path("red").asInt());
        assertEquals(10, led.path("green").asInt());
        assertEquals(0, led.path("blue").asInt());
    }

    @Test
    void missingRequiredParameterIsBadArgumentWithMistyText() throws Exception {
        String error = badArgument(post("/api/led", "{\"Red\": 255, \"Green\": 10}"));
        assertEquals("Cannot ChangeLED - Missing required int parameter 'Blue'.", error);
    }

    @Test
    void jsonNullCountsAsAbsent() throws Exception {
        String error = badArgument(post("/api/led", "{\"Red\": 1, \"Green\": 2, \"Blue\": null}"));
        assertTrue(error.contains("Missing required int parameter 'Blue'"), error);
    }

    @Test
    void wrongTypesAndOutOfRangeAreBadArgument() throws Exception {
        assertTrue(badArgument(post("/api/led", "{\"Red\": \"lots\", \"Green\": 2, \"Blue\": 3}")).contains("'Red' must be a int"));
        assertTrue(badArgument(post("/api/led", "{\"Red\": 1.5, \"Green\": 2, \"Blue\": 3}")).contains("'Red'"));
        assertTrue(badArgument(post("/api/led", "{\"Red\": [1], \"Green\": 2, \"Blue\": 3}")).contains("'Red'"));
        assertTrue(badArgument(post("/api/led", "{\"Red\": 256, \"Green\": 2, \"Blue\": 3}")).contains("out of range"));
        assertTrue(badArgument(post("/api/drive", "{\"LinearVelocity\": true, \"AngularVelocity\": 0}")).contains("double"));
        assertTrue(badArgument(post("/api/led", "{not json")).contains("Could not parse the JSON body"));
        assertTrue(badArgument(post("/api/led", "[1, 2, 3]")).contains("must be an object, got array"));
        result(post("/api/drive/stop", "null"));
        assertEquals(0, state().path("led").path("red").asInt());
    }

    @Test
    void parameterNamesAreCaseInsensitiveAndMayTravelInTheQuery() throws Exception {
        result(post("/api/led?rEd=7", "{\"GREEN\": 8, \"blue\": \"9\"}"));
        JsonNode led = state().path("led");
        assertEquals(7, led.path("red").asInt());
        assertEquals(8, led.path("green").asInt());
        assertEquals(9, led.path("blue").asInt());
    }

    @Test
    void pathsMatchWithoutCaseAndWithATrailingSlash() throws Exception {
        result(post("/API/Led/", "{\"red\": 1, \"green\": 1, \"blue\": 1}"));
        assertEquals(404, get("/api/led/extra").statusCode());
        HttpResponse<String> wrongVerb = get("/api/drive");
        assertEquals(404, wrongVerb.statusCode());
        assertEquals("Failed", json.readTree(wrongVerb.body()).path("status").asText());
    }

    @Test
    void headAndArmsMoveInTheirUnits() throws Exception {
        result(post("/api/head", "{\"Pitch\": 10, \"Roll\": -5, \"Yaw\": 30, \"Velocity\": 50}"));
        JsonNode head = state().path("head");
        assertEquals(10, head.path("pitch").asDouble(), 1e-9);
        assertEquals(-5, head.path("roll").asDouble(), 1e-9);
        assertEquals(30, head.path("yaw").asDouble(), 1e-9);
        result(post("/api/head", "{\"Pitch\": 0, \"Roll\": 0, \"Yaw\": 1.0, \"Units\": \"radians\"}"));
        assertEquals(Math.toDegrees(1.0), state().path("head").path("yaw").asDouble(), 1e-6);
        assertTrue(badArgument(post("/api/head", "{\"Pitch\": 30, \"Roll\": 0, \"Yaw\": 0}")).contains("'Pitch' is out of range"));
        assertTrue(badArgument(post("/api/head", "{\"Pitch\": 0, \"Roll\": 0, \"Yaw\": 0, \"Units\": \"furlongs\"}")).contains("Units"));

        result(post("/api/arms/set", "{\"LeftArmPosition\": -20, \"RightArmPosition\": 45}"));
        assertEquals(-20, state().path("arms").path("left").asDouble(), 1e-9);
        assertEquals(45, state().path("arms").path("right").asDouble(), 1e-9);
        assertTrue(badArgument(post("/api/arms/set", "{\"LeftArmPosition\": 100}")).contains("out of range"));
    }

    @Test
    void drivingChangesTheDriveStateUntilStopped() throws Exception {
        result(post("/api/drive", "{\"LinearVelocity\": 50, \"AngularVelocity\": 0}"));
        assertTrue(state().path("drive").path("driving").asBoolean());
        assertTrue(Await.until(() -> state().path("drive").path("leftDistanceMm").asDouble() > 0, Duration.ofSeconds(5)),
                "encoders advance while driving");
        result(post("/api/drive/stop", "{}"));
        assertFalse(state().path("drive").path("driving").asBoolean());

        result(post("/api/drive", "{\"LinearVelocity\": 10, \"AngularVelocity\": 20}"));
        result(post("/api/halt", null));
        assertFalse(state().path("drive").path("driving").asBoolean());
        assertEquals(1, state().path("halts").asInt());
    }

    @Test
    void timedDriveStopsByItself() throws Exception {
        result(post("/api/drive/time", "{\"LinearVelocity\": 20, \"AngularVelocity\": 0, \"TimeMs\": 200}"));
        assertTrue(state().path("drive").path("driving").asBoolean());
        assertTrue(Await.until(() -> !state().path("drive").path("driving").asBoolean(), Duration.ofSeconds(5)),
                "a timed drive ends by itself");
        assertTrue(badArgument(post("/api/drive/time", "{\"LinearVelocity\": 20, \"AngularVelocity\": 0, \"TimeMs\": 50}")).contains("TimeMs"));
    }

    @Test
    void rebootNeedsBothFlags() throws Exception {
        assertEquals("Cannot RestartRobot - Missing required bool parameter 'SensoryServices'.",
                badArgument(post("/api/reboot", "{\"Core\": true}")));
        result(post("/api/reboot", "{\"Core\": true, \"SensoryServices\": false}"));
        assertEquals(1, state().path("reboots").asInt());
    }

    @Test
    void cameraAnswersARealJpegOrItsBase64Form() throws Exception {
        HttpResponse<byte[]> raw = http.send(HttpRequest.newBuilder(URI.create(robot.baseUrl() + "/api/cameras/rgb")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, raw.statusCode());
        assertEquals("image/jpeg", raw.headers().firstValue("Content-Type").orElseThrow());
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(raw.body()));
        assertEquals(640, image.getWidth());
        assertEquals(480, image.getHeight());

        JsonNode b64 = result(get("/api/cameras/rgb?Base64=true&Width=320&Height=240&FileName=snap"));
        assertEquals("image/jpeg", b64.path("contentType").asText());
        BufferedImage small = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(b64.path("base64").asText())));
        assertEquals(320, small.getWidth());
        assertEquals(240, small.getHeight());
        assertTrue(result(get("/api/images/list")).toString().contains("snap.jpg"));
    }

    @Test
    void assetListsHoldTheSystemAssets() throws Exception {
        JsonNode images = result(get("/api/images/list"));
        assertTrue(images.isArray() && images.size() >= 5);
        assertTrue(images.toString().contains("e_DefaultContent.jpg"));
        JsonNode audio = result(get("/api/audio/list"));
        assertTrue(audio.toString().contains("s_Awe.wav"));
    }

    @Test
    void imageUploadWithBase64DataCanBeListedDownloadedAndDeleted() throws Exception {
        byte[] png = pngBytes();
        String body = "{\"FileName\": \"dot.png\", \"Data\": \"" + Base64.getEncoder().encodeToString(png) + "\", \"OverwriteExisting\": true}";
        JsonNode saved = result(post("/api/images", body));
        assertEquals(3, saved.get(0).path("width").asInt());
        assertTrue(result(get("/api/images/list")).toString().contains("dot.png"));
        HttpResponse<byte[]> raw = http.send(HttpRequest.newBuilder(URI.create(robot.baseUrl() + "/api/images?FileName=DOT.png&Base64=false")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("image/png", raw.headers().firstValue("Content-Type").orElseThrow());
        assertArrayEquals(png, raw.body());
        JsonNode asJson = result(get("/api/images?FileName=dot.png"));
        assertArrayEquals(png, Base64.getDecoder().decode(asJson.path("base64").asText()));
        assertTrue(badArgument(post("/api/images", body.replace(", \"OverwriteExisting\": true", ""))).contains("already exists"));
        result(send("DELETE", "/api/images", "{\"FileName\": \"dot.png\"}"));
        assertTrue(badArgument(get("/api/images?FileName=dot.png")).contains("not found"));
        assertTrue(badArgument(send("DELETE", "/api/images", "{\"FileName\": \"e_Joy.jpg\"}")).contains("system asset"));
    }

    @Test
    void multipartUploadStoresTheFilePart() throws Exception {
        byte[] file = new byte[200_000];
        for (int i = 0; i < file.length; i++) {
            file[i] = (byte) (i * 31);
        }
        String boundary = "----simboundary42";
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"FileName\"\r\n\r\nbits.jpg\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"File\"; filename=\"bits.jpg\"\r\n"
                + "Content-Type: image/jpeg\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(file);
        out.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(robot.baseUrl() + "/api/images"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(out.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
        result(r);
        HttpResponse<byte[]> back = http.send(HttpRequest.newBuilder(URI.create(robot.baseUrl() + "/api/images?FileName=bits.jpg&Base64=false")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertArrayEquals(file, back.body());
    }

    @Test
    void twentyMegabyteRawUploadStreamsInAndOut() throws Exception {
        int size = 20 * 1024 * 1024;
        MessageDigest sent = MessageDigest.getInstance("SHA-256");
        HttpRequest upload = HttpRequest.newBuilder(URI.create(robot.baseUrl() + "/api/images?FileName=big.jpg&OverwriteExisting=true"))
                .header("Content-Type", "image/jpeg")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new PatternStream(size, sent))).build();
        result(http.send(upload, HttpResponse.BodyHandlers.ofString()));
        RecordedRequest logged = robot.requests().get(0);
        assertEquals(size, logged.bodySize());
        assertTrue(logged.bodyTruncated());

        HttpResponse<InputStream> download = http.send(HttpRequest.newBuilder(
                URI.create(robot.baseUrl() + "/api/images?FileName=big.jpg&Base64=false")).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(String.valueOf(size), download.headers().firstValue("Content-Length").orElseThrow());
        MessageDigest received = MessageDigest.getInstance("SHA-256");
        try (InputStream in = download.body()) {
            byte[] buffer = new byte[65536];
            int n;
            while ((n = in.read(buffer)) > 0) {
                received.update(buffer, 0, n);
            }
        }
        assertArrayEquals(sent.digest(), received.digest());
    }

    @Test
    void blobEndpointServesDeterministicBytes() throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(robot.baseUrl() + "/_sim/blob?bytes=100000")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(100000, r.body().length);
        for (int i = 0; i < r.body().length; i += 997) {
            assertEquals((byte) (i % 251), r.body()[i]);
        }
        assertEquals(0, robot.requests().size());
    }

    @Test
    void audioPlaysKnownFilesAndUrlsOnly() throws Exception {
        result(post("/api/audio/play", "{\"FileName\": \"s_Awe.wav\", \"Volume\": 50}"));
        assertEquals("s_Awe.wav", state().path("lastAudio").asText());
        result(post("/api/audio/play", "{\"FileName\": \"https://example.org/a.mp3\"}"));
        assertTrue(badArgument(post("/api/audio/play", "{\"FileName\": \"nope.wav\"}")).contains("not found"));
        assertTrue(badArgument(post("/api/audio/play", "{\"FileName\": \"s_Awe.wav\", \"Volume\": 101}")).contains("out of range"));
        HttpResponse<byte[]> wav = http.send(HttpRequest.newBuilder(URI.create(robot.baseUrl() + "/api/audio?FileName=s_Awe.wav")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("RIFF", new String(wav.body(), 0, 4, StandardCharsets.US_ASCII));
    }

    @Test
    void everyCatalogCommandAnswersOnItsVerbAndPathInTheEnvelope() throws Exception {
        JsonNode catalog;
        try (InputStream in = Simulator.class.getResourceAsStream("endpoints.json")) {
            catalog = json.readTree(in);
        }
        assertEquals(224, catalog.size());
        for (JsonNode e : catalog) {
            String verb = e.path("verb").asText();
            String path = e.path("path").asText();
            HttpResponse<String> r = send(verb, path, verb.equals("GET") ? null : "{}");
            assertNotEquals(404, r.statusCode(), verb + " " + path);
            boolean required = false;
            for (JsonNode p : e.path("params")) {
                required |= p.path("required").asBoolean();
            }
            if (r.headers().firstValue("Content-Type").orElse("").equals("application/json")) {
                JsonNode envelope = json.readTree(r.body());
                assertEquals(required ? "Failed" : "Success", envelope.path("status").asText(), verb + " " + path + " " + r.body());
            }
            assertTrue(r.headers().firstValue("Misty-Command-Version").isPresent(), path);
        }
    }

    private static byte[] pngBytes() throws Exception {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        img.setRGB(1, 1, 0xff0000);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    /** A body of {@code size} pattern bytes generated on the fly, hashed as it is read. */
    private static final class PatternStream extends InputStream {
        private final long size;
        private final MessageDigest digest;
        private long pos;

        PatternStream(long size, MessageDigest digest) {
            this.size = size;
            this.digest = digest;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - pos);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) ((pos + i) * 7 + ((pos + i) >> 12));
            }
            digest.update(b, off, n);
            pos += n;
            return n;
        }
    }
}
