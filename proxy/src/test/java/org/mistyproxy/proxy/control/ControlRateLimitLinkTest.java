package org.mistyproxy.proxy.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mistyproxy.config.RateLimit;
import org.mistyproxy.config.Role;
import org.mistyproxy.config.User;
import org.mistyproxy.proxy.access.Grant;
import org.mistyproxy.proxy.access.UserGrant;

/**
 * The rate-limit link on a bare listener over real sockets: a call without a {@link UserGrant}
 * (an anonymous read) counts against its client address, apart from any token's allowance, and
 * once refused never reaches the next link.
 */
class ControlRateLimitLinkTest {
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicInteger reached = new AtomicInteger();
    private Undertow server;
    private String base;

    @BeforeEach
    void start() {
        ControlRateLimit link = new ControlRateLimit(new RateLimit(2, Duration.ofHours(1), "2/h"));
        User alice = new User("alice", Role.USER, "0".repeat(64));
        server = Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(ex -> {
            // stands in for front.ControlRoute: a grant only for the one known token
            if ("Bearer alice".equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.putAttachment(Grant.KEY, new UserGrant(alice, alice.tokenSha256s().get(0)));
            }
            link.wrap(e -> {
                reached.incrementAndGet();
                e.getResponseSender().send("{}");
            }).handleRequest(ex);
        }).build();
        server.start();
        base = "http://127.0.0.1:" + ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    private HttpResponse<String> get(String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/deployments"));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anonymousCallsCountPerAddressApartFromTokens() throws Exception {
        assertEquals("1", get(null).headers().firstValue("X-RateLimit-Remaining").orElseThrow());
        assertEquals("0", get(null).headers().firstValue("X-RateLimit-Remaining").orElseThrow());
        HttpResponse<String> refused = get(null);
        assertEquals(429, refused.statusCode());
        assertEquals("rate limit exceeded: at most 2/h per client address without an API token; retry in "
                + refused.headers().firstValue("Retry-After").orElseThrow() + " s",
                new ObjectMapper().readTree(refused.body()).get("error_message").asText());
        assertEquals(2, reached.get(), "the refused call never reached the next link");
        // a token from the same address has its own allowance
        HttpResponse<String> alice = get("alice");
        assertEquals(200, alice.statusCode());
        assertEquals("1", alice.headers().firstValue("X-RateLimit-Remaining").orElseThrow());
    }
}
