package org.mistyproxy.proxy.safety;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.RobotCommand;
import org.mistyproxy.policy.CanonicalRequest;
import org.mistyproxy.policy.PolicyDecision;

/**
 * Leased motion: a command that moves the robot until told otherwise ({@code lease: motion} in
 * the policy) starts a lease of the deployment's {@code motion_lease_ms}; every request on the
 * instance's proxy URL (refused ones too: {@link LeaseRenewalLink}) and every {@code /pubsub}
 * message renews it. When it lapses, mistyproxy
 * sends {@code POST /api/drive/stop} itself. A lost {@code /pubsub} socket stops at once.
 *
 * <p>Renewal is a volatile write; the single timer thread wakes once per lease period (not per
 * request) and re-arms itself for the rest of the period when the lease was renewed meanwhile.
 */
public final class MotionLeases implements MotionLease, AutoCloseable {
    private final RobotCalls robot;
    private final SafetyLog log;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mistyproxy-motion-leases");
        t.setDaemon(true);
        return t;
    });
    private final ConcurrentHashMap<String, Lease> active = new ConcurrentHashMap<>();

    /** One instance's motion in progress. */
    private static final class Lease {
        final String instanceId;
        final Deployment deployment;
        final long periodNanos;
        volatile long lastNanos;
        volatile String command;
        ScheduledFuture<?> check;

        Lease(String instanceId, Deployment deployment, long periodNanos, long now, String command) {
            this.instanceId = instanceId;
            this.deployment = deployment;
            this.periodNanos = periodNanos;
            this.lastNanos = now;
            this.command = command;
        }
    }

    public MotionLeases(RobotCalls robot, SafetyLog log) {
        this.robot = robot;
        this.log = log;
    }

    @Override
    public long decided(String instanceId, Deployment deployment, PolicyDecision decision) {
        long now = System.nanoTime();
        Lease running = active.get(instanceId);
        if (running != null) {
            running.lastNanos = now;
        }
        if (!decision.allowed()) {
            return 0;
        }
        CanonicalRequest c = decision.canonical();
        if (decision.leased()) {
            int ms = deployment.safety().motionLeaseMs();
            if (ms <= 0) {
                return 0;
            }
            String what = c.method() + " " + c.path() + " (" + decision.rule() + ")";
            if (running != null) {
                running.command = what;
            } else {
                start(instanceId, deployment, ms, now, what);
            }
            return ms;
        }
        if (running != null && endsMotion(c) && active.remove(instanceId, running)) {
            // The borrower stopped the robot: nothing is left to stop when they go quiet.
            cancel(running);
        }
        return 0;
    }

    @Override
    public void renew(String instanceId) {
        Lease l = active.get(instanceId);
        if (l != null) {
            l.lastNanos = System.nanoTime();
        }
    }

    @Override
    public long motionHeard(String instanceId) {
        Lease l = active.get(instanceId);
        return l == null ? NO_MOTION : l.lastNanos;
    }

    @Override
    public void socketLost(String instanceId, String why) {
        Lease l = active.remove(instanceId);
        if (l == null) {
            return;
        }
        cancel(l);
        stop(l, "socket", "the borrower's /pubsub socket ended abnormally (" + why + ") while motion was in progress, after "
                + l.command + "; stopped at once");
    }

    /** The loan ends: the lifecycle actions stop the robot, so the lease just goes. */
    void forget(String instanceId) {
        Lease l = active.remove(instanceId);
        if (l != null) {
            cancel(l);
        }
    }

    /** Whether motion started by {@code instanceId} is leased right now. */
    public boolean leased(String instanceId) {
        return active.containsKey(instanceId);
    }

    public int activeLeases() {
        return active.size();
    }

    private void start(String instanceId, Deployment deployment, int ms, long now, String what) {
        Lease l = new Lease(instanceId, deployment, TimeUnit.MILLISECONDS.toNanos(ms), now, what);
        Lease raced = active.putIfAbsent(instanceId, l);
        if (raced != null) {
            raced.lastNanos = now;
            return;
        }
        log.leaseStarted();
        synchronized (l) {
            l.check = timer.schedule(() -> check(l), ms, TimeUnit.MILLISECONDS);
        }
    }

    private void check(Lease l) {
        if (active.get(l.instanceId) != l) {
            return;
        }
        long quiet = System.nanoTime() - l.lastNanos;
        if (quiet < l.periodNanos) {
            synchronized (l) {
                l.check = timer.schedule(() -> check(l), l.periodNanos - quiet, TimeUnit.NANOSECONDS);
            }
            return;
        }
        if (!active.remove(l.instanceId, l)) {
            return;
        }
        log.leaseExpired();
        stop(l, "lease", "motion lease of " + TimeUnit.NANOSECONDS.toMillis(l.periodNanos) + " ms lapsed: no request or "
                + "/pubsub message from the borrower for " + TimeUnit.NANOSECONDS.toMillis(quiet) + " ms after " + l.command);
    }

    private CompletableFuture<RobotCalls.Outcome> stop(Lease l, String trigger, String reason) {
        return log.send(robot, l.instanceId, l.deployment, trigger, RobotCommand.DRIVE_STOP, reason);
    }

    private static void cancel(Lease l) {
        synchronized (l) {
            if (l.check != null) {
                l.check.cancel(false);
            }
        }
    }

    private static boolean endsMotion(CanonicalRequest c) {
        return c.method().equals("POST") && (c.path().equals(RobotCommand.DRIVE_STOP.path())
                || c.path().equals(RobotCommand.HALT.path()));
    }

    /** The server stops: nobody could stop motion in progress any more, so stop it now (bounded wait). */
    @Override
    public void close() {
        List<CompletableFuture<RobotCalls.Outcome>> sent = new ArrayList<>();
        for (Lease l : active.values()) {
            if (active.remove(l.instanceId, l)) {
                cancel(l);
                sent.add(stop(l, "shutdown", "mistyproxy is shutting down while motion was in progress after " + l.command));
            }
        }
        try {
            CompletableFuture.allOf(sent.toArray(new CompletableFuture[0]))
                    .get(robot.timeout().toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // each outcome is logged by stop(); nothing more to do on the way out
        }
        timer.shutdownNow();
    }
}
