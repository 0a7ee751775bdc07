package org.mistyproxy.proxy.safety;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The owner's alert: a JSON POST to a deployment's {@code health.alert_url} when its robot turns
 * unhealthy and when it recovers (as hardshare's monitor does). Short timeout, three attempts with
 * backoff, never on a request thread; the URL's query (it may carry a key) is never logged.
 */
final class HealthAlerts {
    private static final Logger LOG = LoggerFactory.getLogger(HealthAlerts.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final long[] BACKOFF_MS = {0, 1000, 4000};

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final ObjectMapper json = new ObjectMapper();
    private final ScheduledExecutorService timer;
    private final Counter sent;
    private final Counter failed;

    HealthAlerts(ScheduledExecutorService timer, MeterRegistry metrics) {
        this.timer = timer;
        this.sent = Counter.builder("mistyproxy.health.alerts").tag("result", "sent")
                .description("Alerts POSTed to alert_url, by result").register(metrics);
        this.failed = Counter.builder("mistyproxy.health.alerts").tag("result", "failed")
                .description("Alerts POSTed to alert_url, by result").register(metrics);
    }

    /** {@code event} is {@code unhealthy} or {@code recovered}. */
    void send(URI url, String deployment, String event, HealthMonitor.Status s) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("deployment", deployment);
        body.put("event", event);
        body.put("reason", s.problem());
        body.put("online", s.online());
        body.put("battery", s.battery().isPresent() ? s.battery().getAsDouble() : null);
        body.put("time", Instant.now().toString());
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (Exception e) {
            return; // a map of strings and numbers always serialises
        }
        attempt(url, bytes, deployment, event, 0);
    }

    private void attempt(URI url, byte[] body, String deployment, String event, int n) {
        timer.schedule(() -> http.sendAsync(HttpRequest.newBuilder(url).timeout(TIMEOUT)
                .header("Content-Type", "application/json").header("User-Agent", "mistyproxy-health")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding())
                .whenComplete((r, e) -> {
                    if (e == null && r.statusCode() >= 200 && r.statusCode() < 300) {
                        sent.increment();
                        LOG.info("event=health_alert_sent deployment={} alert={} url={}", deployment, event, shown(url));
                    } else if (n + 1 < BACKOFF_MS.length) {
                        attempt(url, body, deployment, event, n + 1);
                    } else {
                        failed.increment();
                        LOG.warn("event=health_alert_failed deployment={} alert={} url={} attempts={} error=\"{}\"", deployment,
                                event, shown(url), BACKOFF_MS.length, e != null ? e.toString() : "status " + r.statusCode());
                    }
                }), BACKOFF_MS[n], TimeUnit.MILLISECONDS);
    }

    /** The URL without query or fragment, for logs. */
    static String shown(URI u) {
        return u.getScheme() + "://" + u.getRawAuthority() + (u.getRawPath() == null ? "" : u.getRawPath());
    }
}
