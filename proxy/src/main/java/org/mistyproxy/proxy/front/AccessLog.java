package org.mistyproxy.proxy.front;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One key=value line per finished request on the {@code mistyproxy.access} logger, and a request
 * counter by route and status class. The route handlers record the route and a log-safe path
 * ({@link #tag}; tokens replaced by their {@code tok:<8 hex>} id); the query string is never
 * logged, because proxied queries are the borrower's business and feed URLs carry secrets.
 */
public final class AccessLog implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger("mistyproxy.access");
    private static final AttachmentKey<String> SAFE_PATH = AttachmentKey.create(String.class);
    private static final AttachmentKey<String> ROUTE = AttachmentKey.create(String.class);

    private final HttpHandler next;
    private final MeterRegistry metrics;
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();

    public AccessLog(HttpHandler next, MeterRegistry metrics) {
        this.next = next;
        this.metrics = metrics;
        Gauge.builder("mistyproxy.http.requests.in.flight", inFlight, AtomicInteger::get)
                .description("Requests received and not yet answered (a scrape counts itself)").register(metrics);
    }

    @Override
    public void handleRequest(HttpServerExchange ex) throws Exception {
        long start = System.nanoTime();
        inFlight.incrementAndGet();
        ex.addExchangeCompleteListener((e, nextListener) -> {
            inFlight.decrementAndGet();
            try {
                String route = orElse(e.getAttachment(ROUTE), "unknown");
                String path = orElse(e.getAttachment(SAFE_PATH), "-");
                int status = e.getStatusCode();
                long micros = (System.nanoTime() - start) / 1000;
                counters.computeIfAbsent(route + " " + (status / 100) + "xx", k -> Counter.builder("mistyproxy.http.requests")
                        .description("Requests served, by route and status class")
                        .tag("route", route)
                        .tag("status", (status / 100) + "xx")
                        .register(metrics)).increment();
                if (LOG.isInfoEnabled()) {
                    LOG.info("client={} method={} route={} path={} status={} bytes={} ms={}",
                            e.getSourceAddress() == null ? "-" : e.getSourceAddress().getAddress().getHostAddress(),
                            e.getRequestMethod(), route, path, status, e.getResponseBytesSent(), micros / 1000.0);
                }
            } finally {
                nextListener.proceed();
            }
        });
        next.handleRequest(ex);
    }

    /** Names the route of a request and its path as logs may show it (no token, no query). */
    public static void tag(HttpServerExchange ex, String route, String safePath) {
        ex.putAttachment(ROUTE, route);
        ex.putAttachment(SAFE_PATH, safePath);
    }

    private static String orElse(String s, String d) {
        return s == null ? d : s;
    }
}
