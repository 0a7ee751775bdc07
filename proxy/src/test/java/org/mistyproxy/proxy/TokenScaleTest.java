package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.ControlApiSettings;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.RateLimit;
import org.mistyproxy.proxy.Rig.Api;
import org.mistyproxy.proxy.access.ProxyToken;
import org.mistyproxy.proxy.server.ProxyServer;
import org.mistyproxy.sim.Simulator;

/**
 * 1,000 live instances, each with its proxy URL: every URL reaches its own instance, and a lookup
 * compares exactly one stored token whether one or a thousand exist (no scan, no timing involved).
 */
class TokenScaleTest {
    @TempDir Path dir;

    @Test
    void thousandInstancesResolveInConstantWork() throws Exception {
        int n = 1000;
        try (Simulator robot = Simulator.start("127.0.0.1", 0)) {
            List<Deployment> ds = new ArrayList<>();
            for (int i = 0; i < n; i++) ds.add(Rig.deployment("fixed_misty2", robot.port()));
            // thousands of control calls with one token in seconds: far past the default rate limit
            RateLimit unlimited = new RateLimit(1_000_000, Duration.ofMinutes(1), "1000000/min");
            try (ProxyServer server = ProxyServer.start(Rig.config(dir, ds)
                    .withControlApi(new ControlApiSettings(unlimited)), Rig.fast())) {
                Api owner = Api.of(server.publicBaseUrl(), Rig.OWNER);

                // one instance first: the work of one lookup when one token exists
                String firstUrl = owner.activate(owner.ready(ds.get(0).id().toString()));
                long c0 = server.proxyTokenComparisons();
                LifecycleTest.assertLive(firstUrl);
                assertEquals(1, server.proxyTokenComparisons() - c0, "one comparison with one token");

                ExecutorService pool = Executors.newFixedThreadPool(4);
                List<Future<String>> ids = new ArrayList<>();
                for (int i = 1; i < n; i++) {
                    String d = ds.get(i).id().toString();
                    ids.add(pool.submit(() -> owner.post("/new/" + d).json().get("id").asText()));
                }
                List<String> iids = new ArrayList<>();
                for (Future<String> f : ids) iids.add(f.get());
                Rig.await(() -> owner.get("/instances").json().get("workspace_instances").size() == n, Duration.ofSeconds(60), () -> "all instances listed");
                List<Future<String>> urls = new ArrayList<>();
                for (String iid : iids) urls.add(pool.submit(() -> {
                    owner.awaitStatus(iid, "READY");
                    return owner.activate(iid);
                }));
                List<String> all = new ArrayList<>(List.of(firstUrl));
                for (Future<String> f : urls) all.add(f.get());
                pool.shutdown();
                assertEquals(n, (int) Double.parseDouble(metric(server, "mistyproxy_proxy_urls_active")));
                assertEquals(n, (int) Double.parseDouble(metric(server, "mistyproxy_instances_live")));

                // each long URL carries its instance's hash, which the server checks against the
                // token's instance: a live answer proves the token resolved to the right instance
                long before = server.proxyTokenComparisons();
                for (String url : all) LifecycleTest.assertLive(url);
                assertEquals(n, server.proxyTokenComparisons() - before, "exactly one comparison per lookup with 1,000 tokens");

                // unknown tokens of the right shape are rejected without comparing anything
                before = server.proxyTokenComparisons();
                for (int i = 0; i < 100; i++) LifecycleTest.assertRevoked(server.publicBaseUrl() + "/" + ProxyToken.generate(new java.security.SecureRandom()));
                assertEquals(0, server.proxyTokenComparisons() - before);
            }
        }
    }

    static String metric(ProxyServer server, String name) {
        for (String line : Rig.fetch(server.publicBaseUrl() + "/metrics").body().split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) return line.substring(line.lastIndexOf(' ') + 1);
        }
        throw new AssertionError("no metric " + name);
    }
}
