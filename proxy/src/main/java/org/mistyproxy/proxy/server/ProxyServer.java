package org.mistyproxy.proxy.server;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HandlerWrapper;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.GracefulShutdownHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.MistyProxyConfig;
import org.mistyproxy.policy.Policy;
import org.mistyproxy.policy.PolicyException;
import org.mistyproxy.proxy.access.ApiUsers;
import org.mistyproxy.proxy.access.InstantiatePermission;
import org.mistyproxy.proxy.access.RevokedTokens;
import org.mistyproxy.proxy.access.AccessRules;
import org.mistyproxy.proxy.access.Admission;
import org.mistyproxy.proxy.access.CurrentConfig;
import org.mistyproxy.proxy.access.LiveConfig;
import org.mistyproxy.proxy.audit.AuditLog;
import org.mistyproxy.proxy.control.GovernanceApi;
import org.mistyproxy.proxy.instances.EventUrlNotifier;
import org.mistyproxy.proxy.instances.Loans;
import org.mistyproxy.proxy.instances.LockoutMetrics;
import org.mistyproxy.proxy.instances.Lockouts;
import org.mistyproxy.proxy.instances.ReservationQueue;
import org.mistyproxy.proxy.cam.CamDataPlane;
import org.mistyproxy.proxy.logs.FileLogs;
import org.mistyproxy.proxy.quota.InstanceQuotas;
import org.mistyproxy.proxy.quota.QuotaLink;
import org.mistyproxy.proxy.store.DataFolder;
import org.mistyproxy.proxy.store.DurableLog;
import org.mistyproxy.proxy.control.ControlApi;
import org.mistyproxy.proxy.control.DeploymentCatalog;
import org.mistyproxy.proxy.control.ControlEndpoint;
import org.mistyproxy.proxy.control.DeploymentHalt;
import org.mistyproxy.proxy.control.ControlRateLimit;
import org.mistyproxy.proxy.control.PublicUrls;
import org.mistyproxy.proxy.control.TokenRevocation;
import org.mistyproxy.proxy.control.ReloadEndpoint;
import org.mistyproxy.proxy.control.ReloadOutcome;
import org.mistyproxy.proxy.front.AccessLog;
import org.mistyproxy.proxy.front.CamUrls;
import org.mistyproxy.proxy.front.ControlRoute;
import org.mistyproxy.proxy.console.ConsoleSite;
import org.mistyproxy.proxy.front.HealthCheck;
import org.mistyproxy.proxy.front.MetricsPage;
import org.mistyproxy.proxy.front.ProxiedRequestHandler;
import org.mistyproxy.proxy.front.ProxyDispatch;
import org.mistyproxy.proxy.front.ProxyUrls;
import org.mistyproxy.proxy.front.Router;
import org.mistyproxy.proxy.gate.OriginGate;
import org.mistyproxy.proxy.instances.AddOns;
import org.mistyproxy.proxy.instances.DeploymentCreated;
import org.mistyproxy.proxy.instances.InstanceEvents;
import org.mistyproxy.proxy.instances.Instances;
import org.mistyproxy.proxy.instances.Journal;
import org.mistyproxy.proxy.instances.QueueLength;
import org.mistyproxy.proxy.relay.HttpRelay;
import org.mistyproxy.proxy.relay.RelaySettings;
import org.mistyproxy.proxy.safety.HealthMonitor;
import org.mistyproxy.proxy.safety.LeaseRenewalLink;
import org.mistyproxy.proxy.safety.LoanActions;
import org.mistyproxy.proxy.safety.MotionLeases;
import org.mistyproxy.proxy.safety.RobotCalls;
import org.mistyproxy.proxy.safety.RobotProbe;
import org.mistyproxy.proxy.safety.SafetyLocks;
import org.mistyproxy.proxy.safety.SafetyLog;
import org.mistyproxy.proxy.ws.PubSubRelay;
import org.mistyproxy.proxy.ws.PubSubSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mistyproxy server: one Undertow listener (HTTP or HTTPS) serving the control API, proxy URLs,
 * camera endpoints, {@code /healthz} and {@code /metrics}. Everything is wired here, in
 * {@link #start}, the front door's handler chain included; start reading there.
 */
public final class ProxyServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);
    /** Each command mistyproxy sends a robot itself (stop, halt, on_end, probes) ends within this. */
    private static final Duration ROBOT_COMMAND_TIMEOUT = Duration.ofSeconds(2);

    private final Undertow undertow;
    private final GracefulShutdownHandler graceful;
    private final Instances instances;
    private final ScheduledExecutorService lifecycle;
    private final List<AutoCloseable> parts;
    private final ServerContext context;
    private final int port;
    private final PublicUrls urls;
    private final ServerOptions options;
    private final ConfigReload reload;
    private final Lockouts lockouts;

    private ProxyServer(Undertow undertow, GracefulShutdownHandler graceful, Instances instances,
            ScheduledExecutorService lifecycle, List<AutoCloseable> parts, ServerContext context, int port,
            PublicUrls urls, ServerOptions options, ConfigReload reload, Lockouts lockouts) {
        this.reload = reload;
        this.lockouts = lockouts;
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
        DataFolder data = new DataFolder(config.dataDir(), options.skipDamagedJournalLines(), DurableLog.Channels.REAL);
        RevokedTokens revoked = RevokedTokens.open(data);
        CurrentConfig current = new CurrentConfig(compile(config, revoked));
        // The owner's side of a loan (access rules, lock-outs, the use-queue, event URLs), each durable in the data folder.
        AccessRules rules = new AccessRules(config.deployments(), data, options.clock());
        Lockouts lockouts = new Lockouts(data, options.clock());
        ReservationQueue queue = new ReservationQueue(data);
        EventUrlNotifier notifier = new EventUrlNotifier(metrics, options.clock(),
                config.deployments().stream().map(Deployment::robot).toList());
        Loans loans = new Loans(new Admission(rules, lockouts), queue, notifier, current);
        Journal.Opened opened = Journal.open(data,
                options.clock().millis() - Duration.ofDays(config.retentionDays()).toMillis());
        FileLogs fileLogs = FileLogs.open(config.logs());
        fileLogs.bindTo(metrics);
        AuditLog auditLog = new AuditLog(fileLogs, 200);

        // A loan ends safe (safety/): leased motion, lifecycle actions, the owner's halt, robot health.
        RobotCalls robotCalls = new RobotCalls(ROBOT_COMMAND_TIMEOUT);
        SafetyLog safetyLog = new SafetyLog(auditLog, metrics);
        MotionLeases leases = new MotionLeases(robotCalls, safetyLog);
        LoanActions loanActions = new LoanActions(robotCalls, new RobotProbe(robotCalls, RobotProbe.DEVICE), safetyLog,
                leases, options.initTimeout());
        events.onLoanEnded(e -> loanActions.loanEnded(e.instanceId(), e.deployment(), e.reason()));
        Instances instances = new Instances(current, opened, events, options.clock(), lifecycle, loans,
                loanActions::beforeReady, Duration.ofDays(config.retentionDays()), options.housekeeping());
        lockouts.onUnlocked(id -> instances.serveWaiting());
        rules.onChange(instances::serveWaiting);
        ConfigReload reload = new ConfigReload(config, current, instances);
        // The configured access rules follow the file (the ones made through the API stay).
        reload.onApplied(next -> rules.reconfigure(next.deploymentList()));
        reload.onApplied(next -> notifier.guard(next.deploymentList().stream().map(Deployment::robot).toList()));
        // The owner's halt locks as the owner; the health probe's auto_lock locks and unlocks only its own lock.
        SafetyLocks locks = new SafetyLocks() {
            @Override
            public void lock(UUID deployment, String reason, boolean automatic) {
                lockouts.lock(deployment, reason, automatic ? Lockouts.By.AUTO : Lockouts.By.OWNER);
            }

            @Override
            public void unlockAutomatic(UUID deployment) {
                lockouts.unlock(deployment, Lockouts.By.AUTO);
            }
        };
        HealthMonitor health = new HealthMonitor(new RobotProbe(robotCalls, RobotProbe.BATTERY), locks, metrics, safetyLog);
        loanActions.onProbed(health::probed);
        reload.onApplied(next -> health.watch(next.deploymentList()));
        List<AutoCloseable> parts = new ArrayList<>();
        DeploymentCreated created = DeploymentCreated.open(data, config.deployments(),
                DeploymentCreated.earliestInstances(opened.records()), options.clock().millis());

        // The data planes. `parts` close in list order on shutdown: motion in progress is stopped
        // first, then the relays (they may still write audit entries), the audit log, the cameras,
        // then the log files.
        InstanceQuotas quotas = new InstanceQuotas(auditLog, metrics);
        HttpRelay httpRelay = new HttpRelay(RelaySettings.defaults().withBodyDeadline(options.bodyDeadline()), auditLog, metrics, leases);
        PubSubRelay pubSubRelay = new PubSubRelay(PubSubSettings.defaults(), metrics, auditLog, quotas, leases);
        CamDataPlane cam = new CamDataPlane(config.deployments(), config.cameraFeedsMax(), metrics, events, auditLog);
        parts.addAll(List.of(health, leases, pubSubRelay, httpRelay, auditLog, cam, notifier, rules, lockouts, queue, revoked,
                created, fileLogs));
        reload.onApplied(next -> cam.reconfigure(next.deploymentList()));
        reload.onApplied(next -> quotas.reconfigure(next.deploymentList()));
        events.onServerStopping(pubSubRelay::closeAllSockets);
        // A loan's audit ring and quota counters go with it; a request that was still finishing may
        // add an entry after the end, so the ring is dropped again a minute later.
        events.onInstanceEnded(iid -> {
            quotas.forget(iid);
            auditLog.forget(iid);
            lifecycle.schedule(() -> auditLog.forget(iid), 60, TimeUnit.SECONDS);
        });
        events.onRevoked(e -> pubSubRelay.revoke(e.instanceId(),
                "proxy URL revoked: " + e.cause().name().toLowerCase(Locale.ROOT)));
        ProxiedRequestHandler relay = (ex, g) -> httpRelay.relay(
                ex, g.target().instanceId(), g.target().deployment(), g.target().policy(), g.rawPath());
        // A socket judges each message by the policy in force (a reload may change it while it is open).
        ProxiedRequestHandler pubsub = (ex, g) -> {
            UUID deployment = g.target().deployment().id();
            pubSubRelay.handle(ex, g.target().instanceId(), g.target().deployment(), () -> current.get().policy(deployment));
        };

        Gauge.builder("mistyproxy.instances.live", instances, Instances::liveInstances)
                .description("Instances in INIT, READY or TERMINATING").register(metrics);
        Gauge.builder("mistyproxy.proxy.urls.active", instances.addOns(), AddOns::activeProxyUrls)
                .description("Proxy tokens that currently resolve").register(metrics);
        Gauge.builder("mistyproxy.motion.leases.active", leases, MotionLeases::activeLeases)
                .description("Instances whose motion is leased right now").register(metrics);
        Gauge.builder("mistyproxy.reservations.waiting", queue, q -> q.waiting().size())
                .description("Reservations waiting in the use-queue").register(metrics);
        LockoutMetrics lockoutMetrics = new LockoutMetrics(lockouts, metrics);
        lockoutMetrics.track(config.deployments());
        reload.onApplied(next -> lockoutMetrics.track(next.deploymentList()));

        instances.recover();
        health.watch(config.deployments());

        SSLContext ssl = config.tls().isPresent() ? TlsContext.load(config.tls().get()) : null;
        String host = config.listen().host();
        PublicUrls[] urls = new PublicUrls[1];
        ApiUsers.Current users = () -> current.get().users();
        InstantiatePermission permission = new InstantiatePermission(rules);
        DeploymentCatalog catalog = new DeploymentCatalog(instances, permission, new QueueLength(instances), created,
                options.clock());
        ControlApi control = new ControlApi(instances, auditLog::recentJson, () -> urls[0], catalog,
                new TokenRevocation(users, revoked, options.clock()), new GovernanceApi(instances, rules, lockouts, current, notifier, catalog),
                new DeploymentHalt(instances, loanActions, locks), health, options.bodyDeadline());
        ControlEndpoint controlEndpoint = new ControlEndpoint(control);

        // ---- The front door: one handler chain, listed once (read proxy/README.md, "How a request flows").
        //
        // Admission links: io.undertow HandlerWrappers that run, in list order, after the route
        // handler has attached the request's grant (access.Grant.KEY) and before the endpoint.
        // Each reads the grant and either answers (proxy URLs: gate.MistyEnvelope, which adds the
        // CORS headers; control API: gate.ControlEnvelope) or calls the next. Plug in here:
        //   proxy URLs  — motion-lease renewal (safety.LeaseRenewalLink: first, so that every
        //                 request on the URL renews the lease, those a quota refuses included: the
        //                 borrower is still there), then the per-instance quotas (quota.QuotaLink).
        //                 Who may use the URL and when (access rules) was decided when the instance
        //                 was made; the token is the grant.
        //   control API — the rate limit (control.ControlRateLimit: first, so a refused call costs
        //                 no more). (Access rules, lock-out and the use-queue are not a link: whether
        //                 POST /new gets an instance, a reservation or a refusal is one decision with
        //                 "is it busy", taken atomically in Instances.create by access.Admission.)
        // The origin rule (gate.OriginGate) and the policy gate (gate.PolicyGate; the WebSocket rules
        // per message) are called by the data planes, since both depend on the protocol
        // (preflights, bodies, WebSocket messages).
        // Per-instance quotas: this link for HTTP requests; /pubsub upgrades are admitted by the
        // WebSocket relay, whose sockets keep their share while open (quota.InstanceQuotas).
        List<HandlerWrapper> proxyAdmission = List.of(new LeaseRenewalLink(leases), new QuotaLink(quotas));
        ControlRateLimit rateLimit = new ControlRateLimit(config.controlApi().rateLimit());
        List<HandlerWrapper> controlAdmission = List.of(rateLimit);
        HttpHandler router = new Router(
                new HealthCheck(),
                new MetricsPage(metrics),
                new ConsoleSite(),
                new CamUrls(instances, current, cam),
                // anonymous catalogue reads skip the admission links (they act on users) but not the
                // rate limit, which counts them per client address
                new ControlRoute(current, chain(controlAdmission, new ReloadEndpoint(reload, controlEndpoint)),
                        rateLimit.wrap(controlEndpoint)),
                new ProxyUrls(instances, OriginGate.anyDeployment(config.deployments()),
                        chain(proxyAdmission, new ProxyDispatch(relay, pubsub))));
        GracefulShutdownHandler graceful = new GracefulShutdownHandler(router);
        HttpHandler frontDoor = new AccessLog(graceful, metrics, fileLogs.access());

        Undertow.Builder b = Undertow.builder()
                .setServerOption(UndertowOptions.ENABLE_HTTP2, false)
                .setServerOption(UndertowOptions.RECORD_REQUEST_START_TIME, false)
                // a connection that sends nothing, or dribbles its headers, is closed rather than held
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, 120_000)
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, 30_000)
                // Bounds on what a client may make the server hold (the relay raises the entity cap
                // per request to what the policy allows; the control API reads at most 64 KiB)
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, ServerLimits.MAX_HEAD_BYTES)
                .setServerOption(UndertowOptions.MAX_HEADERS, ServerLimits.MAX_HEADERS)
                .setServerOption(UndertowOptions.MAX_PARAMETERS, ServerLimits.MAX_PARAMETERS)
                .setServerOption(UndertowOptions.MAX_COOKIES, ServerLimits.MAX_COOKIES)
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, ServerLimits.MAX_ENTITY_BYTES)
                .setHandler(frontDoor);
        if (ssl != null) b.addHttpsListener(config.listen().port(), host, ssl);
        else b.addHttpListener(config.listen().port(), host);
        Undertow undertow = b.build();
        try {
            undertow.start();
        } catch (RuntimeException e) {
            instances.close();
            revoked.close();
            created.close();
            lifecycle.shutdownNow();
            for (AutoCloseable p : parts) {
                try {
                    p.close();
                } catch (Exception ignored) {
                    // already failing to start; the listen error is the one to report
                }
            }
            throw new IOException("cannot listen on " + host + ":" + config.listen().port() + ": " + rootMessage(e), e);
        }
        int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
        String scheme = ssl != null ? "https" : "http";
        String hostPart = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        urls[0] = new PublicUrls(config.publicBaseUrl().orElse(URI.create(scheme + "://" + hostPart + ":" + port)));
        LOG.info("event=listening scheme={} host={} port={} public_base={} deployments={}",
                scheme, host, port, urls[0].base(), config.deployments().size());
        return new ProxyServer(undertow, graceful, instances, lifecycle, parts, ctx, port, urls[0], options, reload, lockouts);
    }

    /** The configuration's snapshot with every policy compiled; any policy error stops the start. */
    private static LiveConfig compile(MistyProxyConfig config, RevokedTokens revoked) throws IOException {
        try {
            return LiveConfig.of(config, revoked);
        } catch (LiveConfig.PolicyProblems e) {
            throw new IOException(e.getMessage());
        }
    }

    /**
     * Re-reads the configuration file and puts it in force, or refuses it whole (the running one
     * stays); see {@link ConfigReload}. {@code SIGHUP} and {@code POST /reload} come here.
     */
    public ReloadOutcome reload(String requestedBy) {
        return reload.reload(requestedBy);
    }

    /** Where parts that hold per-deployment state learn of a configuration put in force by a reload. */
    public ConfigReload reloads() {
        return reload;
    }

    /** {@code links} around {@code end}, the first link outermost. */
    private static HttpHandler chain(List<HandlerWrapper> links, HttpHandler end) {
        HttpHandler h = end;
        for (int i = links.size() - 1; i >= 0; i--) {
            h = links.get(i).wrap(h);
        }
        return h;
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

    /** Lock-outs, for parts that lock a deployment themselves (the health probe, an owner's halt). */
    public Lockouts lockouts() {
        return lockouts;
    }

    /** The shared registry, events and config, for parts that plug in. */
    public ServerContext context() {
        return context;
    }

    /** How many stored tokens proxy lookups have compared so far (one per hit, whatever the number of instances). */
    public long proxyTokenComparisons() {
        return instances.addOns().proxyTokenComparisons();
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
