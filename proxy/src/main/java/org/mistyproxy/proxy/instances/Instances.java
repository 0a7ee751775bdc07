package org.mistyproxy.proxy.instances;

import java.io.IOException;
import java.security.SecureRandom;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.mistyproxy.config.Camera;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.Role;
import org.mistyproxy.config.User;
import org.mistyproxy.proxy.access.Admission;
import org.mistyproxy.proxy.access.CamTarget;
import org.mistyproxy.proxy.access.CurrentConfig;
import org.mistyproxy.proxy.access.LiveConfig;
import org.mistyproxy.proxy.access.ProxyTarget;
import org.mistyproxy.proxy.access.ProxyToken;
import org.mistyproxy.proxy.access.TokenTable;
import org.mistyproxy.proxy.instances.InstanceEvents.Cause;
import org.mistyproxy.proxy.instances.InstanceException.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instance registry: the instances of all deployments, their lifecycle
 * ({@link InstanceStatus}), exclusive use, expiry, the two add-ons and their tokens. Every change
 * is written to the {@link Journal} before it is visible; token lookups (the hot path of every
 * proxied request) read lock-free tables, while changes are serialised on this object, which is
 * fine at control-API rates. Refusals are {@link InstanceException}s naming a
 * {@link InstanceException.Reason}; the control API turns them into HTTP answers.
 */
public final class Instances implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Instances.class);

    private final CurrentConfig current;
    private final Journal journal;
    private final InstanceEvents events;
    private final Clock clock;
    private final ScheduledExecutorService lifecycle;
    private final RobotProbe probe;
    private final SecureRandom random = new SecureRandom();

    private final Map<String, InstanceRecord> byId = new LinkedHashMap<>();
    private final Loans loans;
    private final TokenTable<ProxyTarget> proxyTokens = new TokenTable<>();
    private final TokenTable<CamGrant> feedTokens = new TokenTable<>();

    /** What a feed token resolves to. */
    private record CamGrant(String instanceId, String cameraId) {}

    /**
     * @param initTimeout how long {@code INIT} waits for the robot's {@code GET /api/device}
     * @param lifecycle   runs expiry timers
     */
    public Instances(CurrentConfig current, Journal.Opened opened, InstanceEvents events,
            Clock clock, Duration initTimeout, ScheduledExecutorService lifecycle, Loans loans) {
        this.loans = loans;
        this.current = current;
        this.journal = opened.journal();
        this.events = events;
        this.clock = clock;
        this.lifecycle = lifecycle;
        this.probe = new RobotProbe(initTimeout);
        for (InstanceRecord r : opened.records()) byId.put(r.id(), r);
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
                terminateLocked(r, Cause.TERMINATED, "deployment " + r.deployment() + " is no longer in the configuration");
            } else if (r.expiresAt() != null && r.expiresAt() <= now) {
                terminateLocked(r, Cause.EXPIRED, "expired while the server was down");
            } else if (r.status() == InstanceStatus.TERMINATING) {
                terminateLocked(r, Cause.TERMINATED, r.reason());
            } else {
                register(r);
                if (r.camTokens() != null) events.camActivated(new InstanceEvents.CamActivated(r.id(), d, r.camTokens()));
                scheduleExpiry(r);
                if (r.status() == InstanceStatus.INIT) startInitCheck(r.id(), d);
            }
        }
        serveWaiting();
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
        for (InstanceRecord r : byId.values()) if (r.live() && r.deployment().equals(deployment)) return true;
        return false;
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

    /** Waiting reservations {@code user} may see (an owner: all), oldest first. */
    public List<ReservationQueue.Reservation> reservations(User user) {
        List<ReservationQueue.Reservation> out = new ArrayList<>();
        for (ReservationQueue.Reservation r : loans.queue().waiting()) {
            if (user.role() == Role.OWNER || user.name().equals(r.user())) out.add(r);
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
        InstanceRecord t = r.withStatus(InstanceStatus.TERMINATING, why, null);
        persist(t);
        revokeLocked(r, cause);
        InstanceRecord done = t.withProxyToken(null).withCamTokens(null)
                .withStatus(InstanceStatus.TERMINATED, why, clock.millis());
        persist(done);
        LOG.info("event=instance_terminated instance={} cause={}", r.id(), cause);
        serveWaiting();
    }

    /** Removes every token of {@code r} from the lookup tables, then tells the listeners. */
    private void revokeLocked(InstanceRecord r, Cause cause) {
        if (r.proxyToken() != null) {
            proxyTokens.remove(r.proxyToken());
            events.revoked(new InstanceEvents.ProxyRevoked(r.id(), cause));
        }
        if (r.camTokens() != null) {
            for (String t : r.camTokens().values()) feedTokens.remove(t);
            events.camDeactivated(new InstanceEvents.CamDeactivated(r.id(), cause));
        }
    }

    private void scheduleExpiry(InstanceRecord r) {
        if (r.expiresAt() == null) return;
        long delay = Math.max(0, r.expiresAt() - clock.millis());
        lifecycle.schedule(() -> expire(r.id()), delay, TimeUnit.MILLISECONDS);
    }

    private synchronized void expire(String iid) {
        InstanceRecord r = byId.get(iid);
        if (r == null || !r.live()) return;
        terminateLocked(r, Cause.EXPIRED, "expired");
    }

    private void startInitCheck(String iid, Deployment d) {
        probe.probe(d.robot(), failure -> initDone(iid, failure));
    }

    private synchronized void initDone(String iid, String failure) {
        InstanceRecord r = byId.get(iid);
        if (r == null || r.status() != InstanceStatus.INIT) return;
        if (failure == null) {
            persist(r.withStatus(InstanceStatus.READY, null, null));
            LOG.info("event=instance_ready instance={}", iid);
        } else {
            persist(r.withStatus(InstanceStatus.INIT_FAIL, failure, clock.millis()));
            LOG.warn("event=instance_init_fail instance={} reason=\"{}\"", iid, failure);
            serveWaiting();
        }
    }

    // ---- mistyproxy add-on

    public synchronized String activateProxy(User user, String iid) {
        InstanceRecord r = get(user, iid);
        if (r.proxyToken() != null) {
            throw new InstanceException(Reason.ALREADY_ACTIVE, "add-on `mistyproxy` already applied to instance " + iid);
        }
        requireReady(r);
        String token = ProxyToken.generate(random);
        InstanceRecord a = r.withProxyToken(token);
        persist(a);
        register(a);
        LOG.info("event=mistyproxy_activated instance={} token={}", iid, ProxyToken.logId(token));
        return token;
    }

    /** The live proxy token, or {@link Reason#NOT_ACTIVE}. */
    public synchronized String proxyToken(User user, String iid) {
        InstanceRecord r = get(user, iid);
        if (r.proxyToken() == null) throw InstanceException.notActive("mistyproxy", iid);
        return r.proxyToken();
    }

    public synchronized void deactivateProxy(User user, String iid) {
        InstanceRecord r = get(user, iid);
        if (r.proxyToken() == null) throw InstanceException.notActive("mistyproxy", iid);
        persist(r.withProxyToken(null));
        proxyTokens.remove(r.proxyToken());
        events.revoked(new InstanceEvents.ProxyRevoked(iid, Cause.DEACTIVATED));
        LOG.info("event=mistyproxy_deactivated instance={} token={}", iid, ProxyToken.logId(r.proxyToken()));
    }

    /** Hot path: the target of a proxy token, or null. Lock-free. */
    public ProxyTarget resolveProxy(ProxyToken.Presented token) {
        return proxyTokens.lookup(token);
    }

    public int activeProxyUrls() {
        return proxyTokens.size();
    }

    public long proxyTokenComparisons() {
        return proxyTokens.comparisons();
    }

    public synchronized int liveInstances() {
        int n = 0;
        for (InstanceRecord r : byId.values()) if (r.live()) n++;
        return n;
    }

    // ---- cam add-on

    /** Idempotent: an active add-on keeps its feed tokens. */
    public synchronized Map<String, String> activateCam(User user, String iid) {
        InstanceRecord r = get(user, iid);
        if (r.camTokens() != null) return r.camTokens();
        requireReady(r);
        Deployment d = current.get().deployments().get(r.deployment());
        if (d == null) throw new InstanceException(Reason.NOT_READY, "instance " + iid + " is ending: its deployment was removed from the configuration");
        if (d.cameras().isEmpty()) {
            throw new InstanceException(Reason.NO_CAMERAS, "deployment " + d.id() + " has no cameras, so add-on `cam` does not apply");
        }
        Map<String, String> tokens = new LinkedHashMap<>();
        for (Camera c : d.cameras()) tokens.put(c.id(), ProxyToken.generate(random));
        InstanceRecord a = r.withCamTokens(Map.copyOf(tokens));
        persist(a);
        register(a);
        events.camActivated(new InstanceEvents.CamActivated(iid, d, Map.copyOf(tokens)));
        LOG.info("event=cam_activated instance={} cameras={}", iid, tokens.size());
        return tokens;
    }

    public synchronized Map<String, String> camTokens(User user, String iid) {
        InstanceRecord r = get(user, iid);
        if (r.camTokens() == null) throw InstanceException.notActive("cam", iid);
        return r.camTokens();
    }

    public synchronized void deactivateCam(User user, String iid) {
        InstanceRecord r = get(user, iid);
        if (r.camTokens() == null) throw InstanceException.notActive("cam", iid);
        persist(r.withCamTokens(null));
        for (String t : r.camTokens().values()) feedTokens.remove(t);
        events.camDeactivated(new InstanceEvents.CamDeactivated(iid, Cause.DEACTIVATED));
        LOG.info("event=cam_deactivated instance={}", iid);
    }

    /** For Bearer-authenticated camera calls ({@code img}): null when the add-on is inactive or the camera unknown. */
    public synchronized CamTarget camTarget(User user, String iid, String cameraId) {
        InstanceRecord r = byId.get(iid);
        if (r == null || !maySee(user, r) || r.camTokens() == null) return null;
        Deployment d = current.get().deployments().get(r.deployment());
        if (d == null) return null;
        return d.camera(cameraId).map(c -> new CamTarget(iid, d, c)).orElse(null);
    }

    /** For capability URLs ({@code feed}, {@code mjpeg}): null unless the token is the live feed token of exactly that camera. */
    public CamTarget resolveFeed(String iid, String cameraId, ProxyToken.Presented token) {
        CamGrant g = feedTokens.lookup(token);
        if (g == null || !g.instanceId().equals(iid)) return null;
        InstanceRecord r;
        synchronized (this) {
            r = byId.get(iid);
        }
        if (r == null) return null;
        Deployment d = current.get().deployments().get(r.deployment());
        if (d == null) return null;
        // The URL may name the camera by id or by position; the token belongs to the camera's id.
        return d.camera(cameraId).filter(c -> c.id().equals(g.cameraId())).map(c -> new CamTarget(iid, d, c)).orElse(null);
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
            if (r.live()) register(r);
        }
        return ended;
    }

    /** Terminates the live instances of {@code d}, a deployment the configuration no longer has. */
    private List<String> endLoansOf(Deployment d, String reason) {
        List<String> ended = new ArrayList<>();
        for (InstanceRecord r : new ArrayList<>(byId.values())) {
            if (r.live() && r.deployment().equals(d.id())) {
                terminateLocked(r, Cause.TERMINATED, reason);
                ended.add(r.id());
            }
        }
        return ended;
    }

    // ---- internals

    private static boolean maySee(User user, InstanceRecord r) {
        return user.role() == Role.OWNER || user.name().equals(r.user());
    }

    private static void requireReady(InstanceRecord r) {
        if (r.status() != InstanceStatus.READY) {
            throw new InstanceException(Reason.NOT_READY, "instance " + r.id() + " is " + r.status() + ", add-ons need it READY");
        }
    }

    private void register(InstanceRecord r) {
        LiveConfig now = current.get();
        Deployment d = now.deployments().get(r.deployment());
        if (d == null) return; // removed by a reload that is about to terminate r (reconfigured)
        if (r.proxyToken() != null) proxyTokens.put(r.proxyToken(), new ProxyTarget(r.id(), d, now.policy(d.id())));
        if (r.camTokens() != null) {
            for (Map.Entry<String, String> e : r.camTokens().entrySet()) feedTokens.put(e.getValue(), new CamGrant(r.id(), e.getKey()));
        }
    }

    private void persist(InstanceRecord r) {
        InstanceRecord before = byId.get(r.id());
        journal.append(r);
        byId.put(r.id(), r);
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
