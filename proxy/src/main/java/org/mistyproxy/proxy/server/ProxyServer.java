package org.mistyproxy.proxy.server;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.handlers.GracefulShutdownHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javax.net.ssl.SSLContext;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.MistyProxyConfig;
import org.mistyproxy.policy.Policy;
import org.mistyproxy.policy.PolicyException;
import org.mistyproxy.proxy.access.ApiUsers;
import org.mistyproxy.proxy.audit.AuditLog;
import org.mistyproxy.proxy.audit.AuditTrail;
import org.mistyproxy.proxy.cam.CamDataPlane;
import org.mistyproxy.proxy.control.ControlApi;
import org.mistyproxy.proxy.control.ControlRateLimit;
import org.mistyproxy.proxy.control.PublicUrls;
import org.mistyproxy.proxy.front.AccessLog;
import org.mistyproxy.proxy.front.CamRequestHandler;
import org.mistyproxy.proxy.front.ProxiedRequestHandler;
import org.mistyproxy.proxy.front.Routes;
import org.mistyproxy.proxy.instances.InstanceEvents;
import org.mistyproxy.proxy.instances.Instances;
import org.mistyproxy.proxy.instances.Journal;
import org.mistyproxy.proxy.relay.HttpRelay;
import org.mistyproxy.proxy.relay.RelaySettings;
import org.mistyproxy.proxy.ws.PubSubRelay;
import org.mistyproxy.proxy.ws.PubSubSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mistyproxy server: one Undertow listener (HTTP or HTTPS) serving the control API, proxy URLs,
 * camera endpoints, {@code /healthz} and {@code /metrics}. Everything is wired here, in
 * {@link #start}; start reading there.
 */
public final class ProxyServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

    private final Undertow undertow;
    private final GracefulShutdownHandler graceful;
    private final Instances instances;
    private final ScheduledExecutorService lifecycle;
    private final List<AutoCloseable> parts;
    private final ServerContext context;
    private final int port;
    private final PublicUrls urls;
    private final ServerOptions options;

    private ProxyServer(Undertow undertow, GracefulShutdownHandler graceful, Instances instances,
            ScheduledExecutorService lifecycle, List<AutoCloseable> parts, ServerContext context, int port,
            PublicUrls urls, ServerOptions options) {
        this.undertow = undertow;
        this.graceful = graceful;
        this.instances = instances;
        this.lifecycle = lifecycle;
        this.parts = parts;
        this.context = context;
        this.port = port;
        this.urls = urls;
        this.options = options;
    }

    /** Loads persisted state, binds the listener and starts serving. */
    public static ProxyServer start(MistyProxyConfig config, ServerOptions options) throws IOException {
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        InstanceEvents events = new InstanceEvents();
        ServerContext ctx = new ServerContext(config, options, metrics, events);
        ScheduledExecutorService lifecycle = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "mistyproxy-lifecycle");
            t.setDaemon(true);
            return t;
        });
        Map<UUID, Policy> policies = policies(config);
        Journal.Opened opened = Journal.open(config.dataDir());
        Instances instances = new Instances(config, policies, opened, events, options, lifecycle);
        List<AutoCloseable> parts = new ArrayList<>();

        // The data planes. `parts` close in list order on shutdown: the relays first (they may still
        // write audit entries), then the audit log, then the cameras.
        AuditLog auditLog = new AuditLog(config.dataDir(), 200);
        HttpRelay httpRelay = new HttpRelay(RelaySettings.defaults(), auditLog, metrics);
        PubSubRelay pubSubRelay = new PubSubRelay(PubSubSettings.defaults(), metrics, auditLog);
        CamDataPlane cam = new CamDataPlane(ctx);
        parts.addAll(List.of(pubSubRelay, httpRelay, auditLog, cam));
        events.onServerStopping(pubSubRelay::closeAllSockets);
        events.onRevoked(e -> pubSubRelay.revoke(e.instanceId(),
                "proxy URL revoked: " + e.cause().name().toLowerCase(Locale.ROOT)));
        AuditTrail audit = auditLog::recentJson;
        ProxiedRequestHandler relay = (ex, target, rawPath) ->
                httpRelay.relay(ex, target.instanceId(), target.deployment(), target.policy(), rawPath);
        ProxiedRequestHandler pubsub = (ex, target, rawPath) ->
                pubSubRelay.handle(ex, target.instanceId(), target.deployment(), target.policy());
        CamRequestHandler camData = cam;

        Gauge.builder("mistyproxy.instances.live", instances, Instances::liveInstances)
                .description("Instances in INIT, READY or TERMINATING").register(metrics);
        Gauge.builder("mistyproxy.proxy.urls.active", instances, Instances::activeProxyUrls)
                .description("Proxy tokens that currently resolve").register(metrics);

        instances.recover();

        SSLContext ssl = config.tls().isPresent() ? TlsContext.load(config.tls().get()) : null;
        String host = config.listen().host();
        PublicUrls[] urls = new PublicUrls[1];
        ApiUsers users = new ApiUsers(config.users());
        ControlApi control = new ControlApi(instances, users, audit, () -> urls[0],
                new ControlRateLimit(config.controlApi().rateLimit()));
        Routes routes = new Routes(instances, users, control, relay, pubsub, camData, metrics);
        GracefulShutdownHandler graceful = new GracefulShutdownHandler(new AccessLog(routes, metrics));
        Undertow.Builder b = Undertow.builder()
                .setServerOption(UndertowOptions.ENABLE_HTTP2, false)
                .setServerOption(UndertowOptions.RECORD_REQUEST_START_TIME, false)
                // a connection that sends nothing, or dribbles its headers, is closed rather than held
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 120_000)
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, 30_000)
                .setHandler(graceful);
        if (ssl != null) b.addHttpsListener(config.listen().port(), host, ssl);
        else b.addHttpListener(config.listen().port(), host);
        Undertow undertow = b.build();
        try {
            undertow.start();
        } catch (RuntimeException e) {
            instances.close();
            lifecycle.shutdownNow();
            throw new IOException("cannot listen on " + host + ":" + config.listen().port() + ": " + rootMessage(e), e);
        }
        int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
        String scheme = ssl != null ? "https" : "http";
        String hostPart = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        urls[0] = new PublicUrls(config.publicBaseUrl().orElse(URI.create(scheme + "://" + hostPart + ":" + port)));
        LOG.info("event=listening scheme={} host={} port={} public_base={} deployments={}",
                scheme, host, port, urls[0].base(), config.deployments().size());
        return new ProxyServer(undertow, graceful, instances, lifecycle, parts, ctx, port, urls[0], options);
    }

    /** One policy per deployment, loaded once; a deployment without one gets the shipped misty-safe. */
    private static Map<UUID, Policy> policies(MistyProxyConfig config) throws IOException {
        Map<UUID, Policy> out = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (Deployment d : config.deployments()) {
            if (d.policy().isEmpty()) {
                out.put(d.id(), Policy.shipped("misty-safe"));
                continue;
            }
            try {
                out.put(d.id(), Policy.load(d.policy().get()));
            } catch (PolicyException e) {
                problems.add("deployment " + d.id() + ": policy " + d.policy().get() + ":\n" + e.getMessage());
            }
        }
        if (!problems.isEmpty()) throw new IOException(String.join("\n", problems));
        return out;
    }

    private static void notYet(io.undertow.server.HttpServerExchange ex, String what) {
        Routes.send(ex, 501, "application/json",
                ("{\"status\":\"Failed\",\"error\":\"" + what + " is not built yet\"}").getBytes(StandardCharsets.UTF_8));
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) e = e.getCause();
        return e.toString();
    }

    /** The port the listener is bound to (useful with port 0). */
    public int port() {
        return port;
    }

    /** The base of the URLs handed to users, e.g. {@code http://127.0.0.1:8080}. */
    public String publicBaseUrl() {
        return urls.base();
    }

    /** The shared registry, events and config, for parts that plug in. */
    public ServerContext context() {
        return context;
    }

    /** How many stored tokens proxy lookups have compared so far (one per hit, whatever the number of instances). */
    public long proxyTokenComparisons() {
        return instances.proxyTokenComparisons();
    }

    /** Stops taking requests, lets in-flight ones finish (up to the shutdown grace), then stops. */
    @Override
    public void close() {
        graceful.shutdown();
        context.events().serverStopping();
        try {
            if (!graceful.awaitShutdown(options.shutdownGrace().toMillis())) {
                LOG.warn("event=shutdown_grace_exceeded grace_ms={}", options.shutdownGrace().toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        undertow.stop();
        lifecycle.shutdownNow();
        for (AutoCloseable p : parts) {
            try {
                p.close();
            } catch (Exception e) {
                LOG.warn("event=close_failed part={} error={}", p.getClass().getSimpleName(), e.toString());
            }
        }
        try {
            instances.close();
        } catch (IOException e) {
            LOG.warn("event=journal_close_failed error={}", e.toString());
        }
        context.metrics().close();
        LOG.info("event=stopped");
    }
}
