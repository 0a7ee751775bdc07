package org.mistyproxy.proxy.front;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/** {@code GET /metrics}: the one registry in Prometheus text format. */
public final class MetricsPage implements HttpHandler {
    private final PrometheusMeterRegistry metrics;

    public MetricsPage(PrometheusMeterRegistry metrics) {
        this.metrics = metrics;
    }

    @Override
    public void handleRequest(HttpServerExchange ex) {
        AccessLog.tag(ex, "metrics", "/metrics");
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        ex.getResponseSender().send(metrics.scrape());
    }
}
