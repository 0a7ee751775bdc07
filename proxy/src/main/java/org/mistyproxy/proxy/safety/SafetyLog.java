package org.mistyproxy.proxy.safety;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.RobotCommand;
import org.mistyproxy.proxy.audit.AuditEntry;
import org.mistyproxy.proxy.audit.AuditLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every safety action is written down: the audit log (so the borrower reads it in the
 * instance log, {@code /addon/mistyproxy/{iid}/log}, and the owner in {@code audit.jsonl}), the
 * server log, and {@code /metrics}.
 */
public final class SafetyLog {
    private static final Logger LOG = LoggerFactory.getLogger(SafetyLog.class);

    private final AuditLog audit;
    private final MeterRegistry metrics;
    private final Counter leasesStarted;
    private final Counter leasesExpired;
    private final Counter halts;
    /** The last action that failed, per deployment id: shown to owners in deployment info. */
    private final java.util.Map<String, FailedAction> lastFailed = new java.util.concurrent.ConcurrentHashMap<>();

    /** A safety action the robot did not carry out. */
    public record FailedAction(Instant time, String trigger, String command, String instanceId, String error) {}

    public SafetyLog(AuditLog audit, MeterRegistry metrics) {
        this.audit = audit;
        this.metrics = metrics;
        this.leasesStarted = Counter.builder("mistyproxy.motion.leases.started")
                .description("Motion leases started by a leased command (lease: motion)").register(metrics);
        this.leasesExpired = Counter.builder("mistyproxy.motion.leases.expired")
                .description("Motion leases that lapsed, so mistyproxy stopped the robot").register(metrics);
        this.halts = Counter.builder("mistyproxy.owner.halts")
                .description("Owner's halts (POST /deployment/{id}/halt)").register(metrics);
    }

    void leaseStarted() {
        leasesStarted.increment();
    }

    void leaseExpired() {
        leasesExpired.increment();
    }

    void halted() {
        halts.increment();
    }

    /**
     * Sends one command to the robot on mistyproxy's own behalf: counted as sent at once (a stop
     * counts even if the robot never answers), then audited and logged when it ends.
     */
    CompletableFuture<RobotCalls.Outcome> send(RobotCalls robot, String instanceId, Deployment d, String trigger,
            RobotCommand c, String reason) {
        if (c.path().equalsIgnoreCase(RobotCommand.DRIVE_STOP.path())) {
            Counter.builder("mistyproxy.robot.stops").description("Drive stops mistyproxy sent, by trigger")
                    .tag("trigger", trigger).register(metrics).increment();
        }
        return robot.send(d.robot(), c).whenComplete((o, e) -> {
            if (o != null) {
                commandSent(instanceId, d.id().toString(), trigger, c, reason, o);
            }
        });
    }

    /**
     * One command sent to the robot by mistyproxy itself, and how it ended. {@code instanceId} may
     * be null (a halt with no live loan): it then goes to the server log and metrics only.
     */
    private void commandSent(String instanceId, String deployment, String trigger, RobotCommand c, String reason,
            RobotCalls.Outcome o) {
        String result = o.ok() ? "ok" : "failed";
        Counter.builder("mistyproxy.safety.commands").description("Commands mistyproxy sent to robots itself, by trigger")
                .tag("trigger", trigger).tag("command", c.method() + " " + c.path()).tag("result", result)
                .register(metrics).increment();
        if (o.ok()) {
            LOG.info("event=safety_command trigger={} deployment={} instance={} command=\"{}\" status={} ms={} reason=\"{}\"",
                    trigger, deployment, instanceId, c.method() + " " + c.path(), o.status(), o.micros() / 1000, reason);
        } else {
            lastFailed.put(deployment, new FailedAction(Instant.now(), trigger, c.method() + " " + c.path(), instanceId,
                    o.describe()));
            LOG.warn("event=safety_command_failed trigger={} deployment={} instance={} command=\"{}\" error=\"{}\" reason=\"{}\"",
                    trigger, deployment, instanceId, c.method() + " " + c.path(), o.describe(), reason);
        }
        if (instanceId != null) {
            audit.record(new AuditEntry(Instant.now(), instanceId, "mistyproxy", "safety", c.method(), c.path(), true,
                    trigger, reason, 0, o.status(), o.micros(), o.ok() ? null : o.describe(), trigger));
        }
    }

    /** The last safety command the robot of {@code deployment} did not carry out, if any. */
    public java.util.Optional<FailedAction> lastFailure(java.util.UUID deployment) {
        return java.util.Optional.ofNullable(lastFailed.get(deployment.toString()));
    }

    /** A check or a decision that sent nothing (on_ready's verdict, a lease ended by the borrower's own stop). */
    void noted(String instanceId, String trigger, String method, String path, boolean passed, String reason, int upstream,
            long micros, String error) {
        if (instanceId != null) {
            audit.record(new AuditEntry(Instant.now(), instanceId, "mistyproxy", "safety", method, path, passed, trigger,
                    reason, 0, upstream, micros, error, trigger));
        }
        LOG.info("event=safety_note trigger={} instance={} passed={} reason=\"{}\"", trigger, instanceId, passed, reason);
    }
}
