package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.ControlApiSettings;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.Listen;
import org.mistyproxy.config.MistyProxyConfig;
import org.mistyproxy.config.RateLimit;
import org.mistyproxy.config.Role;
import org.mistyproxy.config.User;
import org.mistyproxy.proxy.access.ProxyToken;
import org.mistyproxy.proxy.server.ProxyServer;
import org.mistyproxy.sim.Simulator;

/**
 * The control API's rate limit over real sockets (issue 10, item 7): headers on every answer, per
 * API token (a user's two tokens are limited apart), 429 with {@code error_message} past it. Calls without a token are limited per client
 * address: {@code control.ControlRateLimitLinkTest}.
 */
class ControlRateLimitTest {
    @TempDir Path dir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Simulator robot;
    private ProxyServer server;
    private Deployment misty;

    private String start(ControlApiSettings settings) throws Exception {
        return start(settings, Rig.users());
    }

    private String start(ControlApiSettings settings, List<User> users) throws Exception {
        robot = Simulator.start("127.0.0.1", 0);
        misty = Rig.deployment("fixed_misty2", robot.port());
        MistyProxyConfig config = new MistyProxyConfig(dir.resolve("mistyproxy.yaml"), new Listen("127.0.0.1", 0),
                Optional.empty(), Optional.empty(), dir, users, List.of(misty));
        server = ProxyServer.start(settings == null ? config : config.withControlApi(settings), Rig.fast());
        return server.publicBaseUrl();
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
        if (robot != null) robot.close();
    }

    private HttpResponse<String> call(String method, String url, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) b.header("Authorization", "Bearer " + token);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long header(HttpResponse<?> r, String name) {
        return Long.parseLong(r.headers().firstValue(name).orElseThrow(() -> new AssertionError("no " + name
                + " in " + r.headers().map())));
    }

    @Test
    void eachTokenHasItsOwnAllowanceAndPastItThe429SaysWhy() throws Exception {
        String base = start(new ControlApiSettings(new RateLimit(3, Duration.ofMinutes(1), "3/min")));
        long before = System.currentTimeMillis() / 1000;
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> r = call("GET", base + "/instances", Rig.URSULA);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(3, header(r, "X-RateLimit-Limit"));
            assertEquals(2 - i, header(r, "X-RateLimit-Remaining"));
            long reset = header(r, "X-RateLimit-Reset");
            assertTrue(reset >= before && reset <= System.currentTimeMillis() / 1000 + 61, "reset " + reset);
        }
        HttpResponse<String> refused = call("POST", base + "/new/" + misty.id(), Rig.URSULA);
        assertEquals(429, refused.statusCode(), refused.body());
        assertEquals("rate limit exceeded: at most 3/min per API token; retry in " + header(refused, "Retry-After")
                + " s", Rig.JSON.readTree(refused.body()).get("error_message").asText());
        assertTrue(header(refused, "Retry-After") >= 1 && header(refused, "Retry-After") <= 20);
        assertEquals(0, header(refused, "X-RateLimit-Remaining"));
        // the refused POST /new created nothing and never reached the robot
        assertEquals(0, Rig.JSON.readTree(call("GET", base + "/instances", Rig.OWNER).body())
                .get("workspace_instances").size());
        assertEquals(List.of(), SafetyRig.borrowers(robot));
        // another token is not affected
        HttpResponse<String> victor = call("GET", base + "/instances", Rig.VICTOR);
        assertEquals(200, victor.statusCode());
        assertEquals(2, header(victor, "X-RateLimit-Remaining"));
    }

    @Test
    void aUsersTwoTokensHaveAnAllowanceEach() throws Exception {
        // ursula holds two tokens (say one per machine): the limit is per token, as on the rerobots API
        String laptop = "ursula-laptop-token";
        List<User> users = new ArrayList<>(Rig.users());
        users.set(1, new User("ursula", Role.USER, List.of(ProxyToken.sha256Hex(Rig.URSULA), ProxyToken.sha256Hex(laptop))));
        String base = start(new ControlApiSettings(new RateLimit(2, Duration.ofHours(1), "2/h")), users);
        assertEquals(1, header(call("GET", base + "/instances", Rig.URSULA), "X-RateLimit-Remaining"));
        assertEquals(0, header(call("GET", base + "/instances", Rig.URSULA), "X-RateLimit-Remaining"));
        HttpResponse<String> refused = call("POST", base + "/new/" + misty.id(), Rig.URSULA);
        assertEquals(429, refused.statusCode(), refused.body());
        assertEquals(List.of(), SafetyRig.borrowers(robot), "the refused POST /new never reached the robot");

        // the same user's other token still has its whole allowance, and spending it leaves the first one's alone
        HttpResponse<String> other = call("GET", base + "/instances", laptop);
        assertEquals(200, other.statusCode(), other.body());
        assertEquals(1, header(other, "X-RateLimit-Remaining"));
        assertEquals(0, header(call("GET", base + "/instances", laptop), "X-RateLimit-Remaining"));
        assertEquals(429, call("GET", base + "/instances", laptop).statusCode());
        assertEquals(429, call("GET", base + "/instances", Rig.URSULA).statusCode());
        // and another user is untouched by both
        assertEquals(1, header(call("GET", base + "/instances", Rig.VICTOR), "X-RateLimit-Remaining"));
    }

    @Test
    void aWrongTokenIsRefusedBeforeTheLimitAndSpendsNoAllowance() throws Exception {
        String base = start(new ControlApiSettings(new RateLimit(2, Duration.ofHours(1), "2/h")));
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> wrong = call("GET", base + "/instances", "not-a-token");
            assertEquals(401, wrong.statusCode());
            assertTrue(wrong.headers().firstValue("X-RateLimit-Remaining").isEmpty(), wrong.headers().map().toString());
        }
        HttpResponse<String> ursula = call("GET", base + "/instances", Rig.URSULA);
        assertEquals(200, ursula.statusCode());
        assertEquals(1, header(ursula, "X-RateLimit-Remaining"));
    }

    @Test
    void anonymousReadsCountPerClientAddressApartFromTokens() throws Exception {
        String base = start(new ControlApiSettings(new RateLimit(2, Duration.ofHours(1), "2/h")));
        assertEquals(1, header(call("GET", base + "/workspaces", null), "X-RateLimit-Remaining"));
        assertEquals(0, header(call("GET", base + "/deployments", null), "X-RateLimit-Remaining"));
        HttpResponse<String> refused = call("GET", base + "/workspaces", null);
        assertEquals(429, refused.statusCode(), refused.body());
        assertEquals("rate limit exceeded: at most 2/h per client address without an API token; retry in "
                + header(refused, "Retry-After") + " s", Rig.JSON.readTree(refused.body()).get("error_message").asText());
        HttpResponse<String> ursula = call("GET", base + "/workspaces", Rig.URSULA);
        assertEquals(200, ursula.statusCode());
        assertEquals(1, header(ursula, "X-RateLimit-Remaining"));
    }

    @Test
    void theDefaultIsThreeHundredAMinute() throws Exception {
        String base = start(null);
        HttpResponse<String> r = call("GET", base + "/instances", Rig.OWNER);
        assertEquals(200, r.statusCode());
        assertEquals(300, header(r, "X-RateLimit-Limit"));
        assertEquals(299, header(r, "X-RateLimit-Remaining"));
    }
}
