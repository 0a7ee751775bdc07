package org.mistyproxy.proxy.ws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.Listen;
import org.mistyproxy.config.MistyProxyConfig;
import org.mistyproxy.config.RobotAddress;
import org.mistyproxy.config.Role;
import org.mistyproxy.config.User;
import org.mistyproxy.proxy.server.ProxyServer;
import org.mistyproxy.proxy.server.ServerOptions;
import org.mistyproxy.sim.Simulator;

/**
 * The whole server: an instance is created and the mistyproxy add-on activated through the
 * control API, a borrower subscribes on the proxy URL it was handed, and deactivating or
 * terminating closes the live socket at once.
 */
class PubSubServerFlowTest {
    private static final String TOKEN = "pubsub-flow-owner-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Simulator robot;
    private ProxyServer server;
    private Deployment deployment;
    private Path dataDir;

    @BeforeEach
    void start() throws Exception {
        robot = Simulator.start("127.0.0.1", 0);
        dataDir = Files.createTempDirectory("pubsub-flow-");
        deployment = new Deployment(UUID.randomUUID(), "misty2", "lab", "flow test robot",
                new RobotAddress("127.0.0.1", robot.port()), Optional.empty(), List.of("*"), List.of());
        MistyProxyConfig config = new MistyProxyConfig(dataDir.resolve("mistyproxy.yaml"), new Listen("127.0.0.1", 0),
                Optional.empty(), Optional.empty(), dataDir,
                List.of(new User("olive", Role.OWNER, User.sha256Hex(TOKEN))), List.of(deployment));
        server = ProxyServer.start(config, ServerOptions.defaults().withInitTimeout(Duration.ofSeconds(2)));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        robot.close();
        try (var files = Files.walk(dataDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void deactivatingAndTerminatingCloseLiveSocketsWithin1s() throws Exception {
        String iid = readyInstance();
        JsonNode urls = activate(iid);
        // url[1] is the prefix for code; url[0] is what Misty's web tools get (they build ws://<it>/pubsub)
        TestSocket viaLong = TestSocket.open(http, urls.get(1).asText().replaceFirst("^http", "ws") + "/pubsub");
        TestSocket viaShort = TestSocket.open(http, "ws://" + urls.get(0).asText() + "/pubsub");
        viaLong.send("{'Operation': 'subscribe', 'Type': 'TimeOfFlight', 'DebounceMs': 100, 'EventName': 'L'}");
        viaShort.send("{'Operation': 'subscribe', 'Type': 'BatteryCharge', 'DebounceMs': 100, 'EventName': 'S'}");
        viaLong.nextContaining("distanceInMeters", 5000);
        viaShort.nextContaining("\"S\"", 5000);
        assertTrue(call("GET", "/metrics").body().contains("mistyproxy_ws_sockets_open 2.0"));

        long t0 = System.nanoTime();
        assertEquals(200, call("DELETE", "/addon/mistyproxy/" + iid).statusCode());
        for (TestSocket s : List.of(viaLong, viaShort)) {
            TestSocket.Closed c = s.awaitClose(1000);
            assertEquals(1008, c.code());
            assertTrue(c.reason().contains("deactivated"), c.reason());
        }
        assertTrue(System.nanoTime() - t0 < 1_000_000_000L, "closed within 1 s");
        RelayFixture.await("robot side closed", 1000, () -> {
            try {
                return call("GET", "/metrics").body().contains("mistyproxy_ws_robot_sockets_open 0.0");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        RelayFixture.await("the simulator let go of both sockets", 1000, () -> RelayFixture.robotOpenSockets(robot) == 0);

        // a fresh activation works; termination closes its sockets too
        JsonNode again = activate(iid);
        TestSocket s = TestSocket.open(http, again.get(1).asText().replaceFirst("^http", "ws") + "/pubsub");
        s.send("{'Operation': 'subscribe', 'Type': 'TimeOfFlight', 'DebounceMs': 100, 'EventName': 'T'}");
        s.nextContaining("distanceInMeters", 5000);
        assertEquals(200, call("POST", "/terminate/" + iid).statusCode());
        TestSocket.Closed c = s.awaitClose(1000);
        assertEquals(1008, c.code());
        assertTrue(c.reason().contains("terminated"), c.reason());
    }

    @Test
    void stoppingTheServerClosesLiveSocketsWith1001WithoutSpendingTheGrace() throws Exception {
        JsonNode urls = activate(readyInstance());
        TestSocket s = TestSocket.open(http, urls.get(1).asText().replaceFirst("^http", "ws") + "/pubsub");
        s.send("{'Operation': 'subscribe', 'Type': 'TimeOfFlight', 'DebounceMs': 100, 'EventName': 'Z'}");
        s.nextContaining("distanceInMeters", 5000);

        long t0 = System.nanoTime();
        server.close();
        long closeMillis = (System.nanoTime() - t0) / 1_000_000;
        TestSocket.Closed c = s.awaitClose(1000);
        assertEquals(1001, c.code());
        assertTrue(c.reason().contains("shutting down"), c.reason());
        // the default grace is 10 s; an open subscription must not hold shutdown for all of it
        assertTrue(closeMillis < ServerOptions.defaults().shutdownGrace().toMillis(), "close took " + closeMillis + " ms");
        RelayFixture.await("the simulator let go of the socket", 2000, () -> RelayFixture.robotOpenSockets(robot) == 0);
    }

    private String readyInstance() throws Exception {
        HttpResponse<String> r = call("POST", "/new/" + deployment.id());
        assertEquals(200, r.statusCode(), r.body());
        String iid = JSON.readTree(r.body()).get("id").asText();
        RelayFixture.await("instance READY", 10_000, () -> {
            try {
                return JSON.readTree(call("GET", "/instance/" + iid).body()).path("status").asText().equals("READY");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        return iid;
    }

    private JsonNode activate(String iid) throws Exception {
        HttpResponse<String> r = call("POST", "/addon/mistyproxy/" + iid);
        assertEquals(200, r.statusCode(), r.body());
        JsonNode status = JSON.readTree(call("GET", "/addon/mistyproxy/" + iid).body());
        assertEquals("active", status.get("status").asText(), status.toString());
        return status.get("url");
    }

    private HttpResponse<String> call(String method, String path) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TOKEN)
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }
}
