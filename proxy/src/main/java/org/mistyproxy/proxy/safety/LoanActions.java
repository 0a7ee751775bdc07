package org.mistyproxy.proxy.safety;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.RobotCommand;

/**
 * The lifecycle actions of a loan. {@code on_end}: the deployment's commands (by default
 * {@code POST /api/drive/stop} then {@code POST /api/halt}) sent when a loan ends for any reason;
 * {@code on_ready}: the robot must answer, with enough battery, before an instance becomes READY.
 *
 * <p>Per deployment the actions form one queue, so a new borrower's {@code on_ready} runs after
 * the previous borrower's {@code on_end}: the next loan starts with a stopped robot. Nothing here
 * blocks the caller; a failing command is audited, logged and counted, and the next one still runs.
 */
public final class LoanActions {
    private final RobotCalls robot;
    private final RobotProbe probe;
    private final SafetyLog log;
    private final MotionLeases leases;
    private final Duration readyTimeout;
    private final Map<UUID, CompletableFuture<Void>> queues = new ConcurrentHashMap<>();
    private volatile BiConsumer<Deployment, RobotProbe.Result> probed = (d, r) -> {};

    public LoanActions(RobotCalls robot, RobotProbe probe, SafetyLog log, MotionLeases leases, Duration readyTimeout) {
        this.robot = robot;
        this.probe = probe;
        this.log = log;
        this.leases = leases;
        this.readyTimeout = readyTimeout;
    }

    /** Also tells {@code listener} what each on_ready probe found (the health monitor counts it as a probe). */
    public void onProbed(BiConsumer<Deployment, RobotProbe.Result> listener) {
        this.probed = listener;
    }

    /**
     * A loan of {@code d} ended (terminated, expired, add-on deactivated, halted by the owner, or
     * its deployment removed on reload): queue its {@code on_end} commands and return at once.
     *
     * @param why the end as the instance records it, e.g. {@code terminated by ursula}
     */
    public CompletableFuture<Void> loanEnded(String instanceId, Deployment d, String why) {
        leases.forget(instanceId);
        List<RobotCommand> commands = d.safety().onEnd();
        if (commands.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return enqueue(d, () -> {
            CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
            for (int i = 0; i < commands.size(); i++) {
                RobotCommand c = commands.get(i);
                String reason = "loan ended (" + why + "): on_end " + (i + 1) + " of " + commands.size() + ", " + c;
                chain = chain.thenCompose(v -> log.send(robot, instanceId, d, "on_end", c, reason).thenAccept(o -> {}));
            }
            return chain;
        });
    }

    /**
     * {@code on_ready}: once the deployment's pending {@code on_end} actions are done, probes the
     * robot. Completes with null when the instance may become READY, else with the reason for
     * INIT_FAIL. Never completes exceptionally.
     */
    public CompletableFuture<String> beforeReady(String instanceId, Deployment d) {
        CompletableFuture<String> verdict = new CompletableFuture<>();
        enqueue(d, () -> probe.probe(d, readyTimeout).thenAccept(r -> {
            probed.accept(d, r);
            String unfit = r.unfit(d);
            String battery = r.battery().isPresent() ? ", battery " + RobotProbe.percent(r.battery().getAsDouble()) + "%" : "";
            log.noted(instanceId, "on_ready", probe.request().method(), probe.request().path(), unfit == null,
                    unfit == null ? "on_ready: robot answered in " + r.micros() / 1000 + " ms" + battery
                            : "on_ready refused the loan: " + unfit, 0, r.micros(), unfit);
            verdict.complete(unfit);
        }).exceptionally(e -> {
            verdict.complete("on_ready could not check the robot: " + e);
            return null;
        }));
        return verdict;
    }

    /**
     * The owner's halt: {@code POST /api/drive/stop} and {@code POST /api/halt} at once, ahead of
     * anything queued (a slow robot must not delay a halt), each with its own timeout.
     */
    public CompletableFuture<Void> halt(String instanceId, Deployment d, String by) {
        log.halted();
        if (instanceId != null) {
            leases.forget(instanceId);
        }
        String reason = "halted by owner " + by;
        return CompletableFuture.allOf(log.send(robot, instanceId, d, "halt", RobotCommand.DRIVE_STOP, reason),
                log.send(robot, instanceId, d, "halt", RobotCommand.HALT, reason));
    }

    private interface Step {
        CompletableFuture<Void> run();
    }

    private CompletableFuture<Void> enqueue(Deployment d, Step step) {
        return queues.compute(d.id(), (id, previous) -> {
            CompletableFuture<Void> after = previous == null ? CompletableFuture.completedFuture(null) : previous;
            // A step that throws must not wedge the queue for every later borrower.
            return after.thenCompose(v -> {
                try {
                    return step.run().exceptionally(e -> null);
                } catch (RuntimeException e) {
                    return CompletableFuture.completedFuture(null);
                }
            });
        });
    }
}
