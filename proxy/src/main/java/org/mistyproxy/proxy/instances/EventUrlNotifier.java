package org.mistyproxy.proxy.instances;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.mistyproxy.config.RobotAddress;
import org.mistyproxy.proxy.control.RerobotsTime;
import org.mistyproxy.proxy.store.JsonLines;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls event URLs ({@code eurl}): a JSON POST {@code {"id", "kind", "status", "time"}} on each
 * status change of an instance or reservation. Off the request path: {@link #post} only enqueues
 * and never blocks, so a slow or dead receiver cannot hold up a lifecycle change. Each POST has a
 * short timeout and a few retries with doubling backoff; the POSTs of one instance or reservation
 * go out in order (each waits for the previous one's last attempt). At most {@link #MAX_PENDING}
 * POSTs wait at once; more are dropped and counted. Outcomes are counted in {@code /metrics}
 * ({@code mistyproxy_eurl_posts_total{outcome=...}}); logs show the URL without its query string,
 * which often carries a receiver's secret.
 */
public final class EventUrlNotifier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventUrlNotifier.class);
    public static final int MAX_LENGTH = 2048;
    public static final int MAX_PENDING = 1000;
    /** A webhook receiver should answer at once; waiting longer only delays the next event. */
    public static final Duration TIMEOUT = Duration.ofSeconds(5);
    public static final int ATTEMPTS = 4;
    public static final Duration FIRST_BACKOFF = Duration.ofMillis(250);

    private final HttpClient http;
    private final ScheduledExecutorService retries;
    private final Clock clock;
    /** Every robot configured since start: one a reload removed may still be on the network, unauthenticated. */
    private final Set<RobotAddress> robots = new CopyOnWriteArraySet<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final Map<String, CompletableFuture<Void>> tails = new ConcurrentHashMap<>();
    private final Counter delivered;
    private final Counter failed;
    private final Counter dropped;
    private final Counter retried;

    public EventUrlNotifier(MeterRegistry metrics, Clock clock, Collection<RobotAddress> robots) {
        this.clock = clock;
        this.robots.addAll(robots);
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1).build();
        this.retries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mistyproxy-eurl");
            t.setDaemon(true);
            return t;
        });
        String name = "mistyproxy.eurl.posts";
        String help = "Event URL POSTs by outcome (failed: every attempt failed; dropped: too many waiting)";
        delivered = Counter.builder(name).tag("outcome", "delivered").description(help).register(metrics);
        failed = Counter.builder(name).tag("outcome", "failed").description(help).register(metrics);
        dropped = Counter.builder(name).tag("outcome", "dropped").description(help).register(metrics);
        retried = Counter.builder("mistyproxy.eurl.retries").description("Event URL POST attempts after a failed one").register(metrics);
    }

    /** A reload configured these robots too: eurls must not reach them either. */
    public void guard(Collection<RobotAddress> more) {
        robots.addAll(more);
    }

    /**
     * Null when {@code eurl} is acceptable, else what is wrong with it (for a 400). Resolves the
     * host name (blocking): call on a worker thread, outside locks.
     */
    public String problem(String eurl) {
        String p = syntaxProblem(eurl);
        return p != null ? p : robotProblem(URI.create(eurl));
    }

    /**
     * An eurl must never reach a robot: its API has no authentication, so a POST there would
     * bypass the policy (think {@code http://<robot>/api/reboot}). Compared by address and port,
     * after resolving both names; checked when the URL is given and again before every attempt
     * (the name may resolve elsewhere by then).
     */
    private String robotProblem(URI u) {
        int port = u.getPort() >= 0 ? u.getPort() : u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
        try {
            Set<InetAddress> target = Set.of(InetAddress.getAllByName(u.getHost()));
            for (RobotAddress r : robots) {
                if (r.port() != port) continue;
                for (InetAddress a : InetAddress.getAllByName(r.host())) {
                    if (target.contains(a)) return "eurl must not point at a robot (" + r.authority() + "): its API has no authentication";
                }
            }
            return null;
        } catch (UnknownHostException e) {
            // Not a robot now; if it ever resolves to one, the check before each attempt refuses it.
            return null;
        }
    }

    private static String syntaxProblem(String eurl) {
        if (eurl.length() > MAX_LENGTH) return "eurl is longer than " + MAX_LENGTH + " characters";
        try {
            URI u = new URI(eurl);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                return "eurl must be an http or https URL, got scheme `" + (u.getScheme() == null ? "" : u.getScheme()) + "`";
            }
            if (u.getHost() == null) return "eurl must name a host, e.g. https://example.org/hook";
            if (u.getRawUserInfo() != null) return "eurl must not carry a user name or password; put a secret in the path or query";
            return null;
        } catch (URISyntaxException e) {
            return "eurl is not a valid URL: " + e.getReason() + " at index " + e.getIndex();
        }
    }

    /** The URL without query or fragment, for logs. */
    public static String redacted(String eurl) {
        try {
            URI u = new URI(eurl);
            return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), null, null).toString();
        } catch (URISyntaxException e) {
            return "(unparsable)";
        }
    }

    /** Enqueues the POST of one status change; returns at once. */
    public void post(String eurl, String id, String kind, String status, Map<String, Object> extra) {
        if (pending.incrementAndGet() > MAX_PENDING) {
            pending.decrementAndGet();
            dropped.increment();
            LOG.warn("event=eurl_dropped kind={} id={} status={} url={} pending={}", kind, id, status, redacted(eurl), MAX_PENDING);
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("kind", kind);
        body.put("status", status);
        body.put("time", RerobotsTime.format(clock.millis()));
        body.putAll(extra);
        byte[] bytes;
        try {
            bytes = JsonLines.JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        HttpRequest req = HttpRequest.newBuilder(URI.create(eurl)).timeout(TIMEOUT)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
        String key = kind + ":" + id;
        // Chain behind the previous POST of the same instance or reservation, so they arrive in order.
        CompletableFuture<Void> next = tails.compute(key, (k, tail) ->
                (tail == null ? CompletableFuture.<Void>completedFuture(null) : tail).thenCompose(v -> attempt(req, 1, kind, id, status)));
        next.whenComplete((v, e) -> {
            pending.decrementAndGet();
            tails.remove(key, next);
        });
    }

    /**
     * Completes (never exceptionally) after the POST succeeded or its last attempt failed. Every
     * attempt starts on this notifier's own thread, so not even the client's connection set-up
     * (name lookup) runs on the thread that changed the instance.
     */
    private CompletableFuture<Void> attempt(HttpRequest req, int n, String kind, String id, String status) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        later(() -> send(req, n, kind, id, status, done), 0, done);
        return done;
    }

    private void send(HttpRequest req, int n, String kind, String id, String status, CompletableFuture<Void> done) {
        String refused = robotProblem(req.uri());
        if (refused != null) {
            failed.increment();
            LOG.warn("event=eurl_refused kind={} id={} status={} url={} reason=\"{}\"", kind, id, status, redacted(req.uri().toString()), refused);
            done.complete(null);
            return;
        }
        http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((resp, err) -> {
            if (err == null && resp.statusCode() / 100 == 2) {
                delivered.increment();
                done.complete(null);
                return;
            }
            String why = err != null ? err.getClass().getSimpleName() : "status " + resp.statusCode();
            if (n >= ATTEMPTS) {
                failed.increment();
                LOG.warn("event=eurl_failed kind={} id={} status={} url={} attempts={} last_error={}",
                        kind, id, status, redacted(req.uri().toString()), n, why);
                done.complete(null);
                return;
            }
            retried.increment();
            later(() -> send(req, n + 1, kind, id, status, done), FIRST_BACKOFF.toMillis() << (n - 1), done);
        });
    }

    private void later(Runnable r, long delayMillis, CompletableFuture<Void> done) {
        try {
            retries.schedule(r, delayMillis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopped) {
            done.complete(null); // the server is stopping
        }
    }

    @Override
    public void close() {
        retries.shutdownNow();
    }
}
