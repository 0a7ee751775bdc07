package org.mistyproxy.proxy.instances;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.Role;
import org.mistyproxy.config.User;
import org.mistyproxy.proxy.access.Admission;
import org.mistyproxy.proxy.access.CurrentConfig;
import org.mistyproxy.proxy.access.LiveConfig;
import org.mistyproxy.proxy.instances.InstanceEvents.Cause;
import org.mistyproxy.proxy.instances.InstanceException.Reason;
import org.mistyproxy.proxy.store.ChangeNotStored;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instance registry: the instances of all deployments, their lifecycle
 * ({@link InstanceStatus}), exclusive use, expiry; the two add-ons and their tokens are in
 * {@link AddOns} ({@link #addOns()}). Every change is written to the {@link Journal} before it is
 * visible; token lookups (the hot path of every proxied request) read lock-free tables, while
 * changes, the add-ons' included, are serialised on this object, which is fine at control-API rates. Refusals are {@link InstanceException}s naming a
 * {@link InstanceException.Reason}; the control API turns them into HTTP answers.
 */
public final class Instances implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Instances.class);

    private final CurrentConfig current;
    private final Journal journal;
    private final InstanceEvents events;
    private final Clock clock;
    private final ScheduledExecutorService lifecycle;
    private final ReadinessCheck readiness;

    private final Map<String, InstanceRecord> byId = new LinkedHashMap<>();
    /** Live instance id to its deployment: "busy" without scanning every instance ever kept. */
    private final Map<String, UUID> live = new HashMap<>();
    /** Ends that happened in memory while the journal could not be written; retried by housekeeping. */
    private final Map<String, InstanceRecord> unwritten = new LinkedHashMap<>();
    private final Duration retention;
    private final long retryMillis;
    private long compactAt = COMPACT_MIN_BYTES;
    private static final long COMPACT_MIN_BYTES = 1 << 20;
    private final Loans loans;
    private final AddOns addOns;

    /**
     * The check before an instance becomes READY ({@code on_ready}, see safety.LoanActions):
     * completes with null when it may, else with the reason for INIT_FAIL.
     */
    public interface ReadinessCheck {
        CompletableFuture<String> beforeReady(String instanceId, Deployment d);
    }

    /**
     * @param lifecycle    runs expiry timers and housekeeping
     * @param readiness    the check before READY ({@code on_ready})
     * @param retention    how long an ended instance is kept ({@code retention_days})
     * @param housekeeping how often ended instances past it are forgotten and failed writes retried
     */
    public Instances(CurrentConfig current, Journal.Opened opened, InstanceEvents events,
            Clock clock, ScheduledExecutorService lifecycle, Loans loans, ReadinessCheck readiness, Duration retention,
            Duration housekeeping) {
        this.loans = loans;
        this.current = current;
        this.retention = retention;
        this.journal = opened.journal();
        this.events = events;
        this.clock = clock;
        this.lifecycle = lifecycle;
        this.readiness = readiness;
        this.addOns = new AddOns(this, current, events);
        for (InstanceRecord r : opened.records()) {
            byId.put(r.id(), r);
            if (r.live()) live.put(r.id(), r.deployment());
        }
        long every = housekeeping.toMillis();
        this.retryMillis = Math.min(10_000, every);
        lifecycle.scheduleWithFixedDelay(this::housekeeping, every, every, TimeUnit.MILLISECONDS);
        // Before anything can be served: a reservation whose instance was written before a crash is done.
        Map<String, String> served = new HashMap<>();
        for (InstanceRecord r : byId.values()) if (r.reservation() != null) served.put(r.reservation(), r.id());
        loans.queue().reconcile(served);
    }

    /** Brings persisted state back to life: expired instances end, live ones get their tokens and timers back. */
    public synchronized void recover() {
        long now = clock.millis();
        for (InstanceRecord r : new ArrayList<>(byId.values())) {
            if (!r.live()) continue;
            Deployment d = current.get().deployments().get(r.deployment());
            if (d == null) {
                endRollingForward(r, Cause.TERMINATED, "deployment " + r.deployment() + " is no longer in the configuration");
            } else if (r.expiresAt() != null && r.expiresAt() <= now) {
                endRollingForward(r, Cause.EXPIRED, "expired while the server was down");
            } else if (r.status() == InstanceStatus.TERMINATING) {
                // written by an older version between its two terminate writes
                endRollingForward(r, Cause.TERMINATED, r.reason());
            } else {
                addOns.register(r);
                if (r.camTokens() != null) events.camActivated(new InstanceEvents.CamActivated(r.id(), d, r.camTokens()));
                scheduleExpiry(r);
                if (r.status() == InstanceStatus.INIT) startInitCheck(r.id(), d);
            }
        }
        serveWaiting();
    }

    /** The {@code mistyproxy} and {@code cam} add-ons of these instances, and their token lookups. */
    public AddOns addOns() {
        return addOns;
    }

    // ---- deployments

    /** The deployments of the configuration in force. */
    public Collection<Deployment> deployments() {
        return current.get().deploymentList();
    }

    public Optional<Deployment> deployment(String id) {
        try {
            return Optional.ofNullable(current.get().deployments().get(UUID.fromString(id)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public synchronized int instanceCount(UUID deployment) {
        int n = 0;
        for (InstanceRecord r : byId.values()) if (r.deployment().equals(deployment)) n++;
        return n;
    }

    public synchronized boolean busy(UUID deployment) {
        return live.containsValue(deployment);
    }

    public synchronized int liveInstances() {
        int n = 0;
        for (InstanceRecord r : byId.values()) if (r.live()) n++;
        return n;
    }

    // ---- lifecycle

    /** What {@code POST /new} made: an instance, or (busy and {@code reserve}) a reservation. */
    public record Created(String id, boolean instance) {}

    /** {@code POST /new/{deployment id or type}}. */
    public synchronized Created create(User user, String deploymentOrType, Long expireSeconds, String eurl, boolean reserve) {
        List<Deployment> matching = new ArrayList<>();
        Optional<Deployment> byIdMatch = deployment(deploymentOrType);
        if (byIdMatch.isPresent()) {
            matching.add(byIdMatch.get());
        } else {
            for (Deployment d : deployments()) if (d.type().equals(deploymentOrType)) matching.add(d);
        }
        if (matching.isEmpty()) {
            throw new InstanceException(Reason.NO_SUCH_DEPLOYMENT, "no workspace deployment or type matches " + deploymentOrType);
        }
        serveWaiting(); // those who waited first get a free deployment first
        Admission.Choice c = loans.admission().choose(user, matching, this::busy);
        if (c instanceof Admission.Free f) return new Created(createLocked(user, f.deployment(), expireSeconds, eurl, null).id(), true);
        if (c instanceof Admission.Refused no) throw new InstanceException(Reason.REFUSED, no.reason());
        Admission.Wait w = (Admission.Wait) c;
        if (!reserve) throw w.locked() != null ? new InstanceException(Reason.LOCKED, w.locked())
                    : new InstanceException(Reason.BUSY, InstanceException.BUSY_MESSAGE);
        ReservationQueue.Reservation res = new ReservationQueue.Reservation(UUID.randomUUID().toString(), user.name(),
                byIdMatch.isPresent() ? byIdMatch.get().id().toString() : deploymentOrType, byIdMatch.isEmpty(),
                clock.millis(), eurl, expireSeconds);
        loans.queue().add(res);
        return new Created(res.id(), false);
    }

    private InstanceRecord createLocked(User user, Deployment chosen, Long expireSeconds, String eurl, String reservation) {
        long now = clock.millis();
        Long expiresAt = expireSeconds == null ? null : now + expireSeconds * 1000L;
        InstanceRecord r = new InstanceRecord(UUID.randomUUID().toString(), chosen.id(), user.name(),
                InstanceStatus.INIT, null, now, null, expiresAt, null, null, eurl, reservation);
        persist(r);
        LOG.info("event=instance_created instance={} deployment={} user={} expire_at={} reservation={}",
                r.id(), chosen.id(), user.name(), expiresAt, reservation);
        scheduleExpiry(r);
        startInitCheck(r.id(), chosen);
        return r;
    }

    /**
     * Turns waiting reservations into instances, oldest first, on every free, unlocked deployment
     * their holders may instantiate. Called whenever that can have changed: a deployment freed,
     * unlocked, a rule changed, a start. The instance (carrying the reservation id) is durable
     * before the reservation is marked served; see {@link ReservationQueue}.
     */
    public synchronized void serveWaiting() {
        dropForbidden();
        for (ReservationQueue.Reservation res : loans.queue().waiting()) {
            Optional<User> holder = current.get().users().byName(res.user());
            if (holder.isEmpty()) continue;
            for (Deployment d : current.get().deploymentList()) {
                if (!res.mayUse(d) || busy(d.id()) || !loans.admission().mayServe(holder.get(), d)) continue;
                InstanceRecord r;
                try {
                    r = createLocked(holder.get(), d, res.expireD(), res.eurl(), res.id());
                } catch (RuntimeException e) {
                    // e.g. the journal cannot be written: nothing changed; the next event tries again
                    LOG.error("event=reservation_serve_failed reservation={} error={}", res.id(), e.toString());
                    return;
                }
                loans.queue().served(res.id(), r.id());
                if (res.eurl() != null) loans.notifier().post(res.eurl(), res.id(), "reservation", "SERVED", Map.of("instance", r.id()));
                break;
            }
        }
    }

    /**
     * Cancels the waiting reservations that can never be served ({@link Admission#never}): none
     * waits forever or revives when the decision is undone (it was made under the rules of its time).
     */
    private void dropForbidden() {
        for (ReservationQueue.Reservation res : loans.queue().waiting()) {
            Optional<User> holder = current.get().users().byName(res.user());
            Admission.Never never = loans.admission().never(res.user(), holder, res::mayUse, current.get().deploymentList());
            try {
                if (never == null || loans.queue().cancel(res.id(), never.reason()).isEmpty()) continue;
            } catch (RuntimeException e) { // not stored: it waits, unserved (checked before every serve), and is tried again
                LOG.error("event=reservation_cancel_failed reservation={} error={}", res.id(), e.toString());
                continue;
            }
            if (never.tellHolder() && res.eurl() != null) {
                loans.notifier().post(res.eurl(), res.id(), "reservation", "CANCELLED", Map.of("reason", never.reason()));
            }
        }
    }

    /** Waiting reservations {@code user} may see (an owner: all), oldest first, each with its place in line. */
    public List<ReservationQueue.Place> reservations(User user) {
        List<ReservationQueue.Place> out = new ArrayList<>();
        for (ReservationQueue.Place p : loans.queue().places(deployments())) {
            if (user.role() == Role.OWNER || user.name().equals(p.reservation().user())) out.add(p);
        }
        return out;
    }

    public synchronized void cancelReservation(User user, String id) {
        ReservationQueue.Reservation r = loans.queue().get(id)
                .filter(x -> user.role() == Role.OWNER || user.name().equals(x.user()))
                .orElseThrow(() -> new InstanceException(Reason.RESERVATION_NOT_FOUND, "reservation not found"));
        loans.queue().cancel(id);
        if (r.eurl() != null) loans.notifier().post(r.eurl(), r.id(), "reservation", "CANCELLED", Map.of());
    }

    /** 0 when free and nobody waits, else 1 + the reservations {@code d} could serve. */
    public synchronized int queueLength(Deployment d) {
        int waiting = loans.queue().waitingFor(d);
        return busy(d.id()) || waiting > 0 ? 1 + waiting : 0;
    }

    public List<InstanceRecord> visible(User user, boolean includeTerminated) {
        synchronized (this) {
            List<InstanceRecord> out = new ArrayList<>();
            for (InstanceRecord r : byId.values()) {
                if (!maySee(user, r)) continue;
                if (!includeTerminated && r.terminated()) continue;
                out.add(r);
            }
            out.sort(Comparator.comparingLong(InstanceRecord::startMillis));
            return out;
        }
    }

    /** The instance if it exists and {@code user} may see it; otherwise {@link Reason#NOT_FOUND} (never "forbidden": ids are not to be probed). */
    public synchronized InstanceRecord get(User user, String iid) {
        InstanceRecord r = byId.get(iid);
        if (r == null || !maySee(user, r)) throw InstanceException.notFound();
        return r;
    }

    public synchronized void terminate(User user, String iid) {
        InstanceRecord r = get(user, iid);
        if (!r.live()) throw new InstanceException(Reason.ALREADY_ENDED, "instance " + iid + " is already " + r.status());
        terminateLocked(r, Cause.TERMINATED, "terminated by " + user.name());
    }

    private void terminateLocked(InstanceRecord r, Cause cause, String why) {
        terminateLocked(r, cause, why, current.get().deployments().get(r.deployment()));
    }

    /**
     * {@code d}: the deployment whose robot gets {@code on_end} (null: none, it is not configured).
     * One TERMINATED record is written before anything is revoked, so a failed write changes nothing.
     */
    private void terminateLocked(InstanceRecord r, Cause cause, String why, Deployment d) {
        persist(ended(r, why));
        afterEnd(r, cause, why, d);
        serveWaiting();
    }

    /** What follows a loan's end, written or rolled forward: tokens revoked, listeners told, {@code on_end}. */
    private void afterEnd(InstanceRecord r, Cause cause, String why, Deployment d) {
        boolean lent = !r.status().equals(InstanceStatus.INIT); // READY, or TERMINATING when recovered
        addOns.revoke(r, cause);
        events.instanceEnded(r.id());
        LOG.info("event=instance_terminated instance={} cause={}", r.id(), cause);
        if (lent && d != null) events.loanEnded(new InstanceEvents.LoanEnded(r.id(), d, cause, why));
    }

    private InstanceRecord ended(InstanceRecord r, String why) {
        return r.withProxyToken(null).withCamTokens(null).withStatus(InstanceStatus.TERMINATED, why, clock.millis());
    }

    /**
     * For ends that must happen whatever the disk says (expiry, recovery): if the journal cannot be
     * written, the loan still ends in memory (tokens revoked) and housekeeping retries the write. A
     * restart before it lands reaches the same end, because what decided it is already durable
     * (the expiry time, a deployment gone from the configuration, an old TERMINATING line).
     */
    private void endRollingForward(InstanceRecord r, Cause cause, String why) {
        try {
            terminateLocked(r, cause, why);
        } catch (ChangeNotStored e) {
            InstanceRecord done = ended(r, why);
            byId.put(done.id(), done);
            live.remove(done.id());
            unwritten.put(done.id(), done);
            afterEnd(r, cause, why, current.get().deployments().get(r.deployment()));
            LOG.warn("event=instance_ended_unwritten instance={} cause={} retry_in_ms={}", r.id(), cause, retryMillis);
            lifecycle.schedule(this::housekeeping, retryMillis, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Retries journal writes that failed (ends rolled forward in memory), forgets ended instances
     * past the retention period (memory, then the compacted journal), and compacts a journal that
     * has grown well past its live content.
     */
    synchronized void housekeeping() {
        try {
            for (var it = unwritten.values().iterator(); it.hasNext(); it.remove()) journal.append(it.next(), false);
        } catch (RuntimeException e) { // still full (the next round tries again); never cancel the next rounds
            return;
        }
        long cutoff = clock.millis() - retention.toMillis();
        int forgotten = 0;
        for (var it = byId.values().iterator(); it.hasNext(); ) {
            InstanceRecord r = it.next();
            if (r.terminated() && r.endMillis() != null && r.endMillis() < cutoff) {
                it.remove();
                forgotten++;
            }
        }
        if (forgotten > 0 || journal.size() > compactAt) {
            try {
                journal.compact(byId.values());
                compactAt = Math.max(COMPACT_MIN_BYTES, 2 * journal.size());
                if (forgotten > 0) LOG.info("event=instances_forgotten count={} retention_days={}", forgotten, retention.toDays());
            } catch (RuntimeException e) { // e.g. a full disk: the file stays whole, only longer
                LOG.warn("event=journal_compaction_postponed error=\"{}\"", e.toString());
            }
        }
    }

    /** The id of the deployment's live instance, or null. */
    public synchronized String liveInstanceOf(UUID deployment) {
        for (InstanceRecord r : byId.values()) if (r.live() && r.deployment().equals(deployment)) return r.id();
        return null;
    }

    /**
     * Ends the live instance of a deployment, if any: URLs revoked, sockets and feeds closed, and
     * {@code on_end} sent to {@code d}'s robot. The owner's halt calls it, and so does a
     * configuration reload for a removed deployment (with the old {@code Deployment}, which works
     * whether or not it is still in this registry). Returns the ended instance's id, or null.
     */
    public synchronized String endLoanOf(Deployment d, Cause cause, String why) {
        for (InstanceRecord r : new ArrayList<>(byId.values())) {
            if (r.live() && r.deployment().equals(d.id())) {
                terminateLocked(r, cause, why, d);
                return r.id();
            }
        }
        return null;
    }

    private void scheduleExpiry(InstanceRecord r) {
        if (r.expiresAt() == null) return;
        long delay = Math.max(0, r.expiresAt() - clock.millis());
        lifecycle.schedule(() -> expire(r.id()), delay, TimeUnit.MILLISECONDS);
    }

    private synchronized void expire(String iid) {
        InstanceRecord r = byId.get(iid);
        if (r == null || !r.live()) return;
        endRollingForward(r, Cause.EXPIRED, "expired");
    }

    private void startInitCheck(String iid, Deployment d) {
        readiness.beforeReady(iid, d).whenComplete((failure, err) ->
                initDone(iid, err != null ? "the check before READY failed: " + err : failure));
    }

    private synchronized void initDone(String iid, String failure) {
        InstanceRecord r = byId.get(iid);
        if (r == null || r.status() != InstanceStatus.INIT) return;
        try {
            if (failure == null) {
                persist(r.withStatus(InstanceStatus.READY, null, null));
                LOG.info("event=instance_ready instance={}", iid);
            } else {
                persist(r.withStatus(InstanceStatus.INIT_FAIL, failure, clock.millis()));
                events.instanceEnded(iid);
                LOG.warn("event=instance_init_fail instance={} reason=\"{}\"", iid, failure);
                serveWaiting();
            }
        } catch (ChangeNotStored e) {
            // Still INIT (durably and in memory): check the robot again once the disk may have room.
            Deployment d = current.get().deployments().get(r.deployment());
            if (d != null) lifecycle.schedule(() -> startInitCheck(iid, d), 10, TimeUnit.SECONDS);
        }
    }

    // ---- reload

    /**
     * Brings live instances in line with the configuration just put in force: an instance of a
     * deployment no longer configured is terminated with {@code reason}; every live proxy token is
     * registered again, so its next request reaches the deployment's new address under its new
     * policy (a map entry replaced: the lock-free lookup sees the old target or the new one).
     *
     * @return the ids of the instances terminated
     */
    public synchronized List<String> reconfigured(LiveConfig old, String reason) {
        LiveConfig now = current.get();
        long created = clock.millis();
        List<String> ended = new ArrayList<>();
        for (Deployment gone : old.deploymentList()) {
            if (!now.deployments().containsKey(gone.id())) ended.addAll(endLoansOf(gone, reason));
        }
        for (InstanceRecord r : byId.values()) {
            if (r.live()) addOns.register(r);
        }
        return ended;
    }

    /** Terminates the live instances of {@code d}, a deployment the configuration no longer has. */
    private List<String> endLoansOf(Deployment d, String reason) {
        List<String> ended = new ArrayList<>();
        for (InstanceRecord r : new ArrayList<>(byId.values())) {
            if (r.live() && r.deployment().equals(d.id())) {
                terminateLocked(r, Cause.TERMINATED, reason, d); // on_end still reaches the removed robot
                ended.add(r.id());
            }
        }
        return ended;
    }

    // ---- internals

    static boolean maySee(User user, InstanceRecord r) {
        return user.role() == Role.OWNER || user.name().equals(r.user());
    }

    /** The instance, or null; the caller holds this object's lock (for {@link AddOns}). */
    InstanceRecord find(String iid) {
        return byId.get(iid);
    }

    /** Durable first, then visible: a failed write throws {@link ChangeNotStored} and changes nothing. */
    void persist(InstanceRecord r) {
        InstanceRecord before = byId.get(r.id());
        journal.append(r, before == null);
        byId.put(r.id(), r);
        if (r.live()) live.put(r.id(), r.deployment());
        else live.remove(r.id());
        if (r.eurl() != null && (before == null || before.status() != r.status())) {
            loans.notifier().post(r.eurl(), r.id(), "instance", r.status().name(),
                    r.reservation() == null ? Map.of() : Map.of("reservation", r.reservation()));
        }
    }

    @Override
    public void close() throws IOException {
        journal.close();
    }
}
