import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.Undertow;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.Quotas;
import org.mistyproxy.config.RobotAddress;
import org.mistyproxy.policy.Policy;
import org.mistyproxy.proxy.audit.AuditLog;
import org.mistyproxy.proxy.ws.PubSubRelay;
import org.mistyproxy.proxy.ws.PubSubSettings;
import org.mistyproxy.sim.Simulator;
import org.xnio.Options;

/**
 * /pubsub relay benchmark: the same event workload read straight from the simulator and through
 * the relay, one phase after the other in one JVM. Latency is receive time minus the event's own
 * "created" stamp (same clock); CPU per relayed message counts only the relay's threads (the
 * proxy listener's XNIO threads, Tyrus' Grizzly threads, the relay timer).
 *
 * usage: java -cp mistyproxy.jar WsRelayBench.java [load sockets] [subscriptions per socket] [seconds]
 */
public final class WsRelayBench {
    static final String RELAY_WORKER = "relay-bench";

    public static void main(String[] args) throws Exception {
        int sockets = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int subs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;

        Path dir = Files.createTempDirectory("ws-relay-bench");
        try (Simulator robot = Simulator.start("127.0.0.1", 0);
                AuditLog audit = new AuditLog(dir, 200)) {
            PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            PubSubRelay relay = new PubSubRelay(PubSubSettings.defaults(), metrics, audit);
            Deployment d = new Deployment(UUID.randomUUID(), "misty2", "bench", "bench",
                    new RobotAddress("127.0.0.1", robot.port()), Optional.empty(), List.of("*"), List.of())
                    // one bench "borrower" opens many sockets with many subscriptions: far past what the
                    // per-instance quotas give a real borrower; what is measured is the relay
                    .withQuotas(new Quotas(100_000, 100_000, 100_000, 100_000, 10_000, 100_000, 100_000));
            Policy policy = Policy.shipped("allow-all");
            Undertow proxy = Undertow.builder()
                    .setWorkerOption(Options.WORKER_NAME, RELAY_WORKER)
                    .addHttpListener(0, "127.0.0.1")
                    .setHandler(ex -> relay.handle(ex, "bench", d, () -> policy))
                    .build();
            proxy.start();
            int proxyPort = ((InetSocketAddress) proxy.getListenerInfo().get(0).getAddress()).getPort();
            HttpClient http = HttpClient.newHttpClient();

            String directUri = "ws://127.0.0.1:" + robot.port() + "/pubsub";
            String proxiedUri = "ws://127.0.0.1:" + proxyPort + "/bench/pubsub";
            // Warm both paths (JIT, thread pools) before anything is measured.
            phase("warm-d", http, directUri, sockets, subs, 2);
            phase("warm-p", http, proxiedUri, sockets, subs, 2);
            // Light: 5 sockets x 2 subscriptions (200 events/s), so latency is the path's, not the
            // simulator's (it sends each 50 ms tick of all subscriptions as one burst).
            Result lightDirect = phase("light-direct", http, directUri, 5, 2, seconds);
            Result lightProxied = phase("light-proxied", http, proxiedUri, 5, 2, seconds);
            Result loadDirect = phase("load-direct", http, directUri, sockets, subs, seconds);
            Result loadProxied = phase("load-proxied", http, proxiedUri, sockets, subs, seconds);

            System.out.printf("%nload: %d sockets x %d TimeOfFlight subscriptions (DebounceMs 50 = %d events/s offered); "
                    + "light: 5 x 2 (200 events/s); %d s measured per phase after 3 s warm-up; one JVM, loopback%n%n",
                    sockets, subs, sockets * subs * 20, seconds);
            System.out.println("| phase         | events/s | latency p50 (ms) | p99 (ms) | max (ms) | process CPU per event (us) | relay-thread CPU per event (us) |");
            System.out.println("|---------------|---------:|-----------------:|---------:|---------:|---------------------------:|--------------------------------:|");
            for (Result r : List.of(lightDirect, lightProxied, loadDirect, loadProxied)) {
                System.out.printf("| %-13s | %8.0f | %16.3f | %8.3f | %8.3f | %26.1f | %31s |%n", r.label, r.eventsPerSecond,
                        r.p50, r.p99, r.max, r.processCpuPerEventMicros,
                        r.label.endsWith("direct") ? "-" : String.format("%.1f", r.relayCpuPerEventMicros));
            }
            System.out.printf("%nadded by the relay, light: p50 %+.3f ms, p99 %+.3f ms%n", lightProxied.p50 - lightDirect.p50, lightProxied.p99 - lightDirect.p99);
            System.out.printf("added by the relay, load:  p50 %+.3f ms, p99 %+.3f ms; events/s %.1f%% of direct; process CPU %+.1f us per event%n",
                    loadProxied.p50 - loadDirect.p50, loadProxied.p99 - loadDirect.p99,
                    100 * loadProxied.eventsPerSecond / loadDirect.eventsPerSecond,
                    loadProxied.processCpuPerEventMicros - loadDirect.processCpuPerEventMicros);
            System.out.printf("relay counters: %s%n", metrics.scrape().lines()
                    .filter(l -> l.startsWith("mistyproxy_ws_messages_total") || l.startsWith("mistyproxy_ws_events_dropped_total"))
                    .toList());
            relay.close();
            proxy.stop();
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(0);
    }

    record Result(String label, double eventsPerSecond, double p50, double p99, double max,
                  double processCpuPerEventMicros, double relayCpuPerEventMicros) {}

    static final class Client implements WebSocket.Listener {
        final AtomicLong count = new AtomicLong();
        final long[] latencies;
        final AtomicInteger n = new AtomicInteger();
        volatile boolean measuring;
        private final StringBuilder partial = new StringBuilder();

        Client(int capacity) {
            latencies = new long[capacity];
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                long now = nowMicros();
                String text = partial.toString();
                partial.setLength(0);
                int at = text.indexOf("\"created\":\"");
                if (measuring && at >= 0) {
                    Instant created = Instant.parse(text.substring(at + 11, text.indexOf('"', at + 11)));
                    long lat = now - (created.getEpochSecond() * 1_000_000 + created.getNano() / 1000);
                    count.incrementAndGet();
                    int i = n.getAndIncrement();
                    if (i < latencies.length) {
                        latencies[i] = lat;
                    }
                }
            }
            ws.request(1);
            return null;
        }
    }

    static long nowMicros() {
        Instant t = Instant.now();
        return t.getEpochSecond() * 1_000_000 + t.getNano() / 1000;
    }

    static Result phase(String label, HttpClient http, String uri, int sockets, int subs, int seconds) throws Exception {
        List<Client> clients = new ArrayList<>();
        List<WebSocket> open = new ArrayList<>();
        for (int s = 0; s < sockets; s++) {
            Client c = new Client(subs * 25 * (seconds + 1));
            WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(uri), c).get(10, TimeUnit.SECONDS);
            for (int k = 0; k < subs; k++) {
                ws.sendText("{\"Operation\":\"subscribe\",\"Type\":\"TimeOfFlight\",\"DebounceMs\":50,\"EventName\":\""
                        + label + "-" + s + "-" + k + "\"}", true).join();
            }
            clients.add(c);
            open.add(ws);
        }
        Thread.sleep(3000);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long relayCpu0 = relayThreadCpu(threads);
        long cpu0 = os.getProcessCpuTime();
        clients.forEach(c -> c.measuring = true);
        long t0 = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        clients.forEach(c -> c.measuring = false);
        long elapsed = System.nanoTime() - t0;
        long cpu = os.getProcessCpuTime() - cpu0;
        long relayCpu = relayThreadCpu(threads) - relayCpu0;
        long events = clients.stream().mapToLong(c -> c.count.get()).sum();
        long[] all = clients.stream().flatMapToLong(c -> Arrays.stream(c.latencies, 0, Math.min(c.n.get(), c.latencies.length))).sorted().toArray();
        for (WebSocket ws : open) {
            ws.sendClose(1000, "bench phase over").join();
        }
        Thread.sleep(500);
        double eps = events / (elapsed / 1e9);
        return new Result(label, eps, pct(all, 0.50), pct(all, 0.99), all.length == 0 ? 0 : all[all.length - 1] / 1000.0,
                cpu / 1000.0 / events, relayCpu / 1000.0 / events);
    }

    static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(p * sorted.length))] / 1000.0;
    }

    /** CPU time of the relay's own threads: the proxy listener's XNIO threads, Tyrus/Grizzly, the timer. */
    static long relayThreadCpu(ThreadMXBean threads) {
        long sum = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            String name = info.getThreadName();
            if (name.startsWith(RELAY_WORKER) || name.contains("Grizzly") || name.startsWith("tyrus") || name.equals("pubsub-timers")) {
                long t = threads.getThreadCpuTime(info.getThreadId());
                if (t > 0) {
                    sum += t;
                }
            }
        }
        return sum;
    }
}
