package org.mistyproxy.proxy.safety;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.Health;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches every deployment's robot between and during loans: a {@link RobotProbe} every
 * {@code health.interval_ms}, off the request path, each with its own timeout. {@code online} is
 * whether the last probe succeeded. The robot is unhealthy after {@code failures_to_lock} failed
 * probes in a row, or while its battery is below {@code min_battery}; with {@code auto_lock} the
 * deployment is then locked (with the reason) and unlocked when the robot recovers, never lifting
 * a lock the owner placed. {@code alert_url} hears of both turns.
 */
public final class HealthMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);

    /**
     * What the owner sees of one deployment's robot.
     *
     * @param online       the last probe succeeded (true before the first one: at start for one
     *                     deployment, spread over the first interval for many)
     * @param battery      the charge in percent from the last probe that had one
     * @param checked      when the last probe ended, or null before the first
     * @param failedProbes failed probes in a row
     * @param problem      why the robot is unhealthy, or null when healthy
     */
    public record Status(boolean online, OptionalDouble battery, Instant checked, int failedProbes, String problem) {
        public boolean healthy() {
            return problem == null;
        }
    }

    private final RobotProbe probe;
    private final SafetyLog log;
    private final SafetyLocks locks;
    private final MeterRegistry metrics;
    private final HealthAlerts alerts;
    private final Counter probesOk;
    private final Counter probesFailed;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mistyproxy-health");
        t.setDaemon(true);
        return t;
    });
    private final Map<UUID, Watch> watches = new ConcurrentHashMap<>();

    /** One deployment under watch; its state changes only under its own monitor. */
    private final class Watch {
        final Deployment d;
        final List<Meter> meters = new ArrayList<>();
        ScheduledFuture<?> task;
        Status status = new Status(true, OptionalDouble.empty(), null, 0, null);
        /** Null until the first probe: a lock left by an earlier run is then lifted if the robot is fine. */
        Boolean unhealthy;
        Meter info;

        Watch(Deployment d) {
            this.d = d;
        }
    }

    public HealthMonitor(RobotProbe probe, SafetyLocks locks, MeterRegistry metrics, SafetyLog log) {
        this.log = log;
        this.probe = probe;
        this.locks = locks;
        this.metrics = metrics;
        this.alerts = new HealthAlerts(timer, metrics);
        this.probesOk = Counter.builder("mistyproxy.health.probes").tag("result", "ok")
                .description("Robot health probes, by result").register(metrics);
        this.probesFailed = Counter.builder("mistyproxy.health.probes").tag("result", "failed")
                .description("Robot health probes, by result").register(metrics);
    }

    /**
     * Watches exactly these deployments: new ones start (first probe at once), removed ones stop,
     * changed ones restart with their new settings. Called at start and by a configuration reload.
     */
    public synchronized void watch(Collection<Deployment> deployments) {
        Set<UUID> keep = new HashSet<>();
        int i = 0;
        for (Deployment d : deployments) {
            keep.add(d.id());
            Watch w = watches.get(d.id());
            if (w != null && w.d.equals(d)) {
                continue;
            }
            if (w != null) {
                stop(w);
                // The owner turned auto_lock off: the lock it made is the probe's to lift, and no
                // probe will ever lift it now. (An owner's own lock is never touched.)
                if (w.d.safety().health().autoLock() && !d.safety().health().autoLock()) unlockAutomatic(d.id());
            }
            // Spread the first probes over one interval: many robots are not probed all at once.
            start(d, d.safety().health().interval().toMillis() * i++ / Math.max(1, deployments.size()));
        }
        for (Watch w : new ArrayList<>(watches.values())) {
            if (!keep.contains(w.d.id())) {
                stop(w);
                watches.remove(w.d.id());
                if (w.d.safety().health().autoLock()) unlockAutomatic(w.d.id());
            }
        }
    }

    private void unlockAutomatic(UUID id) {
        try {
            locks.unlockAutomatic(id);
        } catch (RuntimeException e) {
            LOG.warn("event=health_lock_failed deployment={} error=\"{}\"", id, e.toString());
        }
    }

    public Optional<Status> status(UUID deployment) {
        Watch w = watches.get(deployment);
        if (w == null) {
            return Optional.empty();
        }
        synchronized (w) {
            return Optional.of(w.status);
        }
    }

    /** The last safety action (stop, halt, on_end) the deployment's robot did not carry out. */
    public Optional<SafetyLog.FailedAction> lastFailedAction(UUID deployment) {
        return log.lastFailure(deployment);
    }

    /** Whether the robot answered its last probe (true for a deployment not watched). */
    public boolean online(UUID deployment) {
        return status(deployment).map(Status::online).orElse(true);
    }

    /** A probe made elsewhere (on_ready's) counts as one of ours. */
    public void probed(Deployment d, RobotProbe.Result r) {
        Watch w = watches.get(d.id());
        if (w != null && w.d.equals(d)) {
            record(w, r);
        }
    }

    private void start(Deployment d, long firstAfterMs) {
        Watch w = new Watch(d);
        watches.put(d.id(), w);
        String id = d.id().toString();
        w.meters.add(Gauge.builder("mistyproxy.robot.online", w, x -> status(x).online() ? 1 : 0).tag("deployment", id)
                .description("1 when the robot answered its last health probe").register(metrics));
        w.meters.add(Gauge.builder("mistyproxy.robot.battery.percent", w,
                x -> status(x).battery().isPresent() ? status(x).battery().getAsDouble() : Double.NaN).tag("deployment", id)
                .description("The robot's battery charge at the last probe").register(metrics));
        w.meters.add(Gauge.builder("mistyproxy.robot.failed.probes", w, x -> status(x).failedProbes()).tag("deployment", id)
                .description("Failed health probes in a row").register(metrics));
        w.meters.add(Gauge.builder("mistyproxy.robot.unhealthy", w, x -> status(x).healthy() ? 0 : 1).tag("deployment", id)
                .description("1 while the robot is unhealthy (offline or battery low); see mistyproxy_robot_health_info")
                .register(metrics));
        long every = d.safety().health().interval().toMillis();
        w.task = timer.scheduleWithFixedDelay(() -> probeNow(w), firstAfterMs, every, TimeUnit.MILLISECONDS);
    }

    private static Status status(Watch w) {
        synchronized (w) {
            return w.status;
        }
    }

    private void stop(Watch w) {
        w.task.cancel(false);
        synchronized (w) {
            w.meters.forEach(metrics::remove);
            if (w.info != null) {
                metrics.remove(w.info);
            }
        }
    }

    private void probeNow(Watch w) {
        probe.probe(w.d, w.d.safety().health().timeout()).thenAccept(r -> record(w, r));
    }

    private void record(Watch w, RobotProbe.Result r) {
        if (watches.get(w.d.id()) != w) {
            return; // stopped meanwhile (reload)
        }
        (r.answered() ? probesOk : probesFailed).increment();
        Health h = w.d.safety().health();
        String turned = null;
        Status now;
        synchronized (w) {
            Status was = w.status;
            int failed = r.answered() ? 0 : was.failedProbes() + 1;
            OptionalDouble battery = r.battery().isPresent() ? r.battery() : was.battery();
            String problem = null;
            if (failed >= h.failuresToLock()) {
                problem = "robot offline: " + failed + (failed == 1 ? " probe" : " probes") + " failed in a row (" + r.failure() + ")";
            } else if (r.answered()) {
                problem = r.unfit(w.d);
            } else if (was.problem() != null && !was.problem().startsWith("robot offline")) {
                problem = was.problem(); // a low battery stays low while a probe or two fails
            }
            now = new Status(r.answered(), battery, Instant.now(), failed, problem);
            w.status = now;
            boolean bad = problem != null;
            if (w.unhealthy == null || w.unhealthy != bad || (bad && !problem.equals(was.problem()))) {
                turned = bad ? "unhealthy" : "recovered";
                boolean firstTurn = w.unhealthy == null;
                boolean reasonOnly = w.unhealthy != null && w.unhealthy && bad;
                w.unhealthy = bad;
                healthInfo(w, now);
                if (firstTurn && !bad) {
                    turned = "first-healthy";
                } else if (reasonOnly) {
                    turned = "reason";
                }
            }
        }
        if (turned != null) {
            act(w, h, turned, now);
        }
    }

    /** Locks and unlocks (outside the watch's monitor: the lock store writes to disk), then alerts. */
    private void act(Watch w, Health h, String turned, Status s) {
        UUID id = w.d.id();
        try {
            if (h.autoLock()) {
                if (s.healthy()) {
                    locks.unlockAutomatic(id);
                } else {
                    locks.lock(id, s.problem(), true);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("event=health_lock_failed deployment={} error=\"{}\"", id, e.toString());
        }
        if (turned.equals("unhealthy") || turned.equals("recovered")) {
            LOG.info("event=robot_{} deployment={} reason=\"{}\"", turned, id, s.problem());
            h.alertUrl().ifPresent(u -> alerts.send(u, id.toString(), turned, s));
        }
    }

    /** {@code mistyproxy_robot_health_info{deployment, state, reason} 1}: the reason in /metrics. */
    private void healthInfo(Watch w, Status s) {
        if (w.info != null) {
            metrics.remove(w.info);
        }
        w.info = Gauge.builder("mistyproxy.robot.health.info", () -> 1).tag("deployment", w.d.id().toString())
                .tag("state", s.healthy() ? "healthy" : "unhealthy").tag("reason", s.healthy() ? "" : s.problem())
                .description("The robot's health and, when unhealthy, why (the automatic lock's reason)").register(metrics);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
