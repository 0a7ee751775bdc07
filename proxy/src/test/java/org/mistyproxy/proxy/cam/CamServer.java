package org.mistyproxy.proxy.cam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.mistyproxy.config.Camera;
import org.mistyproxy.config.Crop;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.Listen;
import org.mistyproxy.config.MistyProxyConfig;
import org.mistyproxy.config.RobotAddress;
import org.mistyproxy.config.Role;
import org.mistyproxy.config.User;
import org.mistyproxy.proxy.server.ProxyServer;
import org.mistyproxy.proxy.server.ServerOptions;
import org.mistyproxy.sim.Simulator;

/** A running server with the simulator as robot and synthetic cameras, and a client for it. */
final class CamServer implements AutoCloseable {
    static final String TOKEN = "camera-test-owner-token";
    static final ObjectMapper JSON = new ObjectMapper();

    final Simulator robot;
    final ProxyServer server;
    /** A deployment to put on the server: its id, its camera_feeds_per_instance, its cameras. */
    record Draft(UUID id, int feedsPerInstance, List<Camera> cameras) {}

    final Deployment deployment;
    final List<Deployment> deployments;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    CamServer(Path dataDir, Camera... cameras) throws IOException {
        this(dataDir, UUID.randomUUID(), cameras);
    }

    /** With a fixed deployment id, so that a second server on the same data dir recovers the first one's instances. */
    CamServer(Path dataDir, UUID deploymentId, Camera... cameras) throws IOException {
        this(dataDir, MistyProxyConfig.DEFAULT_CAMERA_FEEDS_MAX, List.of(new Draft(deploymentId,
                Deployment.DEFAULT_CAMERA_FEEDS_PER_INSTANCE, List.of(cameras))));
    }

    /** Several deployments (the first is {@link #deployment}), all on one simulator, with feed bounds. */
    CamServer(Path dataDir, int cameraFeedsMax, List<Draft> drafts) throws IOException {
        robot = Simulator.start("127.0.0.1", 0);
        RobotAddress at = new RobotAddress("127.0.0.1", robot.port());
        deployments = drafts.stream().map(d -> new Deployment(d.id(), "misty2", "lab", "camera test", at,
                Optional.empty(), List.of("*"), d.cameras(), d.feedsPerInstance())).toList();
        deployment = deployments.get(0);
        MistyProxyConfig config = new MistyProxyConfig(dataDir.resolve("mistyproxy.yaml"), new Listen("127.0.0.1", 0),
                Optional.empty(), Optional.empty(), dataDir, List.of(new User("olive", Role.OWNER, sha256(TOKEN))),
                deployments, cameraFeedsMax);
        server = ProxyServer.start(config, ServerOptions.defaults().withShutdownGrace(Duration.ofSeconds(2)));
    }

    static Camera synthetic(String id, int w, int h, int fps, Crop crop) {
        return new Camera(id, "synthetic", w, h, fps, Optional.ofNullable(crop), 85);
    }

    String base() {
        return server.publicBaseUrl();
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<byte[]> send(String method, String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer " + TOKEN);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new AssertionError(method + " " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    HttpResponse<byte[]> get(String path, String... headers) {
        return send("GET", path, headers);
    }

    static JsonNode json(HttpResponse<byte[]> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (status " + r.statusCode() + "): " + new String(r.body(), StandardCharsets.UTF_8), e);
        }
    }

    /** A READY instance of the deployment with the cam add-on active. */
    String instanceWithCam() throws InterruptedException {
        return instanceWithCam(deployment.id());
    }

    /** A READY instance of that deployment with the cam add-on active. */
    String instanceWithCam(UUID deploymentId) throws InterruptedException {
        HttpResponse<byte[]> r = send("POST", "/new/" + deploymentId);
        if (r.statusCode() != 200) {
            throw new AssertionError("POST /new: " + r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
        }
        String iid = json(r).get("id").asText();
        await("instance READY", Duration.ofSeconds(10), () -> json(get("/instance/" + iid)).path("status").asText().equals("READY"));
        HttpResponse<byte[]> a = send("POST", "/addon/cam/" + iid);
        if (a.statusCode() != 200) {
            throw new AssertionError("activate cam: " + a.statusCode() + " " + new String(a.body(), StandardCharsets.UTF_8));
        }
        return iid;
    }

    /** The camera entry of the cam status: feed_token, feed_url, mjpeg_url. */
    JsonNode camStatus(String iid, String cameraId) {
        for (JsonNode c : json(get("/addon/cam/" + iid)).get("cameras")) {
            if (c.get("id").asText().equals(cameraId)) {
                return c;
            }
        }
        throw new AssertionError("camera " + cameraId + " not in the cam status of " + iid);
    }

    String metrics() {
        return new String(get("/metrics").body(), StandardCharsets.UTF_8);
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.close();
            robot.close();
        }
    }
}
