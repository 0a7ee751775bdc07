package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.RobotAddress;
import org.mistyproxy.proxy.Rig.Api;
import org.mistyproxy.proxy.server.ProxyServer;
import org.mistyproxy.sim.Simulator;

/**
 * The server-wide entity cap (1 MiB) bounds bodies nobody raised it for, but never cuts off an
 * upload the policy allows: the relay raises it to what the policy checked.
 */
class UploadLimitTest {
    @TempDir Path dir;
    Simulator robot;
    ProxyServer server;
    String url;

    @BeforeEach
    void start() throws Exception {
        robot = Simulator.start("127.0.0.1", 0);
        Path policy = Path.of(UploadLimitTest.class.getResource("/relay/relay-test.yaml").toURI()); // raw uploads up to 32 MiB
        Deployment d = new Deployment(UUID.randomUUID(), "misty2", "lab", "uploads", new RobotAddress("127.0.0.1", robot.port()),
                Optional.of(policy), List.of("*"), List.of());
        server = ProxyServer.start(Rig.config(dir, List.of(d)), Rig.fast());
        Api a = Api.of(server.publicBaseUrl(), Rig.URSULA);
        url = a.activate(a.ready(d.id().toString()));
    }

    @AfterEach
    void stop() {
        server.close();
        robot.close();
    }

    private int upload(HttpRequest.BodyPublisher body) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(url + "/api/images?FileName=big.jpg&OverwriteExisting=true"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "image/jpeg").POST(body).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode();
    }

    @Test
    void anUploadOverTheServerCapButWithinThePolicyGoesThroughWhole() throws Exception {
        byte[] five = new byte[5 * 1024 * 1024];
        assertEquals(200, upload(HttpRequest.BodyPublishers.ofByteArray(five)), "declared length");
        long full = robot.requests().stream().filter(r -> r.path().equals("/api/images") && r.bodySize() == five.length).count();
        assertEquals(1, full, "the robot got the body whole");
    }
}
