package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import org.mistyproxy.proxy.access.ProxyToken;
import org.mistyproxy.proxy.server.ProxyServer;
import org.mistyproxy.sim.RecordedRequest;
import org.mistyproxy.sim.Simulator;

/**
 * The front door as a browser meets it: one origin rule for the HTTP relay and the
 * {@code /pubsub} upgrade (entries with and without default ports, case), and CORS headers on
 * the 404 of a revoked proxy URL, which belongs to no deployment any more.
 */
class FrontDoorTest {
    private static final String APP = "https://app.example.org";

    @TempDir Path dir;
    Simulator robot;
    ProxyServer server;
    Api owner;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** The same origin written with and without its default port, and another one. */
    Deployment withPort;
    Deployment withoutPort;
    Deployment other;

    @BeforeEach
    void start() throws Exception {
        robot = Simulator.start("127.0.0.1", 0);
        withPort = deployment(List.of("HTTPS://App.Example.org:443"));
        withoutPort = deployment(List.of(APP));
        other = deployment(List.of("http://localhost:3000"));
        server = ProxyServer.start(Rig.config(dir, List.of(withPort, withoutPort, other)), Rig.fast());
        owner = Api.of(server.publicBaseUrl(), Rig.OWNER);
    }

    @AfterEach
    void stop() {
        server.close();
        robot.close();
    }

    private Deployment deployment(List<String> corsOrigins) {
        return new Deployment(UUID.randomUUID(), "fixed_misty2", "lab", "a Misty II on the bench",
                new RobotAddress("127.0.0.1", robot.port()), Optional.empty(), corsOrigins, List.of());
    }

    @Test
    void theRelayAndPubsubGiveTheSameOriginTheSameAnswer() throws Exception {
        String urlWithPort = owner.activate(owner.ready(withPort.id().toString()));
        String urlWithoutPort = owner.activate(owner.ready(withoutPort.id().toString()));
        String urlOther = owner.activate(owner.ready(other.id().toString()));
        record Case(String url, String origin, boolean allowed) {}
        List<Case> cases = List.of(
                new Case(urlWithPort, APP, true),
                new Case(urlWithPort, APP + ":443", true),
                new Case(urlWithPort, "https://APP.example.org", true),
                new Case(urlWithoutPort, APP, true),
                new Case(urlWithoutPort, APP + ":443", true),
                new Case(urlWithoutPort, "http://app.example.org", false),
                new Case(urlWithoutPort, APP + ":8443", false),
                new Case(urlWithoutPort, "null", false),
                new Case(urlOther, "http://localhost:3000", true),
                new Case(urlOther, "http://localhost", false),
                new Case(urlOther, APP, false));
        for (Case c : cases) {
            robot.clearRequests();
            HttpResponse<String> rest = get(c.url() + "/api/battery", "Origin", c.origin());
            int upgrade = upgradeStatus(c.url(), c.origin());
            String what = c.origin() + " on " + c.url();
            assertEquals(c.allowed() ? 200 : 403, rest.statusCode(), what + ": " + rest.body());
            assertEquals(c.allowed() ? 101 : 403, upgrade, what);
            if (!c.allowed()) {
                assertEquals(List.of(), robot.requests(), what + ": a refused request must not reach the robot");
            } else {
                assertEquals(c.origin(), rest.headers().firstValue("Access-Control-Allow-Origin").orElse(null), what);
            }
        }
    }

    @Test
    void aRefusedPubsubUpgradeCarriesCorsHeaders() throws Exception {
        String url = owner.activate(owner.ready(withPort.id().toString()));
        robot.clearRequests();
        List<String> head = upgradeHead(url, APP, "8");
        assertTrue(head.get(0).startsWith("HTTP/1.1 426"), head.toString());
        assertTrue(head.contains("Access-Control-Allow-Origin: " + APP), head.toString());
        assertEquals(List.of(), robot.requests(), "a refused upgrade never dials the robot");
    }

    @Test
    void aRevokedUrlsNotFoundCarriesCorsHeadersABrowserCanRead() throws Exception {
        String iid = owner.ready(withoutPort.id().toString());
        String longUrl = owner.activate(iid);
        String token = longUrl.substring(longUrl.lastIndexOf('/') + 1);
        String shortUrl = server.publicBaseUrl() + "/" + token;
        assertEquals(200, get(shortUrl + "/api/battery", "Origin", APP).statusCode());
        assertEquals(200, owner.delete("/addon/mistyproxy/" + iid).status());
        robot.clearRequests();

        String never = server.publicBaseUrl() + "/" + ProxyToken.generate(new java.security.SecureRandom());
        for (String url : List.of(shortUrl, longUrl, never)) {
            HttpResponse<String> r = get(url + "/api/battery", "Origin", APP);
            assertEquals(404, r.statusCode(), url);
            assertEquals("{\"status\":\"Failed\",\"error\":\"unknown or revoked proxy URL\"}", r.body());
            assertEquals(APP, r.headers().firstValue("Access-Control-Allow-Origin").orElse(null), url);
            assertTrue(r.headers().allValues("Vary").contains("Origin"), r.headers().map().toString());
            // an origin another deployment allows may read it too; one nobody allows may not
            HttpResponse<String> local = get(url + "/api/battery", "Origin", "http://localhost:3000");
            assertEquals("http://localhost:3000", local.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
            HttpResponse<String> evil = get(url + "/api/battery", "Origin", "https://evil.example");
            assertEquals(404, evil.statusCode());
            assertTrue(evil.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), evil.headers().map().toString());
            assertEquals(404, upgradeStatus(url, APP));
        }
        List<RecordedRequest> seen = robot.requests();
        assertEquals(List.of(), seen, "nothing on a revoked URL reaches the robot");
    }

    private HttpResponse<String> get(String url, String... headers) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).headers(headers).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The status of a WebSocket upgrade of {@code base/pubsub} (raw: the JDK client will not send Origin with it). */
    private static int upgradeStatus(String base, String origin) throws IOException {
        return Integer.parseInt(upgradeHead(base, origin, "13").get(0).split(" ")[1]);
    }

    /** The status line and headers of the answer to an upgrade of {@code base/pubsub}. */
    private static List<String> upgradeHead(String base, String origin, String version) throws IOException {
        URI u = URI.create(base + "/pubsub");
        try (Socket s = new Socket(u.getHost(), u.getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + u.getRawPath() + " HTTP/1.1\r\nHost: " + u.getHost() + ":" + u.getPort()
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: " + version + "\r\nOrigin: " + origin + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
            List<String> head = new java.util.ArrayList<>();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                head.add(line);
            }
            return head;
        }
    }
}
