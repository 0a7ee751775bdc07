package org.mistyproxy.proxy.instances;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mistyproxy.config.Camera;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.User;
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
 * The two add-ons of an instance, {@code mistyproxy} (a proxy URL) and {@code cam} (a feed URL per
 * camera), and the token tables their capability URLs are looked up in. Split from
 * {@link Instances} to keep each class readable; it is not a second registry: the tokens live in
 * the {@link InstanceRecord}s and every change goes through {@link Instances#persist}. So every
 * change here is serialised on the same monitor as the registry ({@code synchronized (instances)}),
 * which keeps an activation atomic with a concurrent terminate. Token lookups (the hot path of every
 * proxied request) read the lock-free tables, as before.
 */
public final class AddOns {
    private static final Logger LOG = LoggerFactory.getLogger(Instances.class); // same logger as before the split

    private final Instances instances;
    private final CurrentConfig current;
    private final InstanceEvents events;
    private final SecureRandom random = new SecureRandom();
    private final TokenTable<ProxyTarget> proxyTokens = new TokenTable<>();
    private final TokenTable<CamGrant> feedTokens = new TokenTable<>();

    /** What a feed token resolves to. */
    private record CamGrant(String instanceId, String cameraId) {}

    /** Only {@link Instances} makes one, for itself; it must only store its arguments ({@code instances} is not yet built). */
    AddOns(Instances instances, CurrentConfig current, InstanceEvents events) {
        this.instances = instances;
        this.current = current;
        this.events = events;
    }

    // ---- mistyproxy add-on

    public String activateProxy(User user, String iid) {
        synchronized (instances) {
            InstanceRecord r = instances.get(user, iid);
            if (r.proxyToken() != null) {
                throw new InstanceException(Reason.ALREADY_ACTIVE, "add-on `mistyproxy` already applied to instance " + iid);
            }
            requireReady(r);
            String token = ProxyToken.generate(random);
            InstanceRecord a = r.withProxyToken(token);
            instances.persist(a);
            register(a);
            LOG.info("event=mistyproxy_activated instance={} token={}", iid, ProxyToken.logId(token));
            return token;
        }
    }

    /** The live proxy token, or {@link Reason#NOT_ACTIVE}. */
    public String proxyToken(User user, String iid) {
        synchronized (instances) {
            InstanceRecord r = instances.get(user, iid);
            if (r.proxyToken() == null) throw InstanceException.notActive("mistyproxy", iid);
            return r.proxyToken();
        }
    }

    public void deactivateProxy(User user, String iid) {
        synchronized (instances) {
            InstanceRecord r = instances.get(user, iid);
            if (r.proxyToken() == null) throw InstanceException.notActive("mistyproxy", iid);
            instances.persist(r.withProxyToken(null));
            proxyTokens.remove(r.proxyToken());
            events.revoked(new InstanceEvents.ProxyRevoked(iid, Cause.DEACTIVATED));
            LOG.info("event=mistyproxy_deactivated instance={} token={}", iid, ProxyToken.logId(r.proxyToken()));
            events.loanEnded(new InstanceEvents.LoanEnded(iid, current.get().deployments().get(r.deployment()), Cause.DEACTIVATED,
                    "add-on mistyproxy deactivated by " + user.name()));
        }
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

    // ---- cam add-on

    /** Idempotent: an active add-on keeps its feed tokens. */
    public Map<String, String> activateCam(User user, String iid) {
        synchronized (instances) {
            InstanceRecord r = instances.get(user, iid);
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
            instances.persist(a);
            register(a);
            events.camActivated(new InstanceEvents.CamActivated(iid, d, Map.copyOf(tokens)));
            LOG.info("event=cam_activated instance={} cameras={}", iid, tokens.size());
            return tokens;
        }
    }

    public Map<String, String> camTokens(User user, String iid) {
        synchronized (instances) {
            InstanceRecord r = instances.get(user, iid);
            if (r.camTokens() == null) throw InstanceException.notActive("cam", iid);
            return r.camTokens();
        }
    }

    public void deactivateCam(User user, String iid) {
        synchronized (instances) {
            InstanceRecord r = instances.get(user, iid);
            if (r.camTokens() == null) throw InstanceException.notActive("cam", iid);
            instances.persist(r.withCamTokens(null));
            for (String t : r.camTokens().values()) feedTokens.remove(t);
            events.camDeactivated(new InstanceEvents.CamDeactivated(iid, Cause.DEACTIVATED));
            LOG.info("event=cam_deactivated instance={}", iid);
        }
    }

    /** For Bearer-authenticated camera calls ({@code img}): null when the add-on is inactive or the camera unknown. */
    public CamTarget camTarget(User user, String iid, String cameraId) {
        synchronized (instances) {
            InstanceRecord r = instances.find(iid);
            if (r == null || !Instances.maySee(user, r) || r.camTokens() == null) return null;
            Deployment d = current.get().deployments().get(r.deployment());
            if (d == null) return null;
            return d.camera(cameraId).map(c -> new CamTarget(iid, d, c)).orElse(null);
        }
    }

    /** For capability URLs ({@code feed}, {@code mjpeg}): null unless the token is the live feed token of exactly that camera. */
    public CamTarget resolveFeed(String iid, String cameraId, ProxyToken.Presented token) {
        CamGrant g = feedTokens.lookup(token);
        if (g == null || !g.instanceId().equals(iid)) return null;
        InstanceRecord r;
        synchronized (instances) { // only for the map read: the lookup above stays lock-free
            r = instances.find(iid);
        }
        if (r == null) return null;
        Deployment d = current.get().deployments().get(r.deployment());
        if (d == null) return null;
        // The URL may name the camera by id or by position; the token belongs to the camera's id.
        return d.camera(cameraId).filter(c -> c.id().equals(g.cameraId())).map(c -> new CamTarget(iid, d, c)).orElse(null);
    }

    // ---- the token tables, kept in step by Instances (under its lock)

    /** Puts {@code r}'s tokens in the lookup tables, with the deployment's current address and policy. */
    void register(InstanceRecord r) {
        LiveConfig now = current.get();
        Deployment d = now.deployments().get(r.deployment());
        if (d == null) return; // removed by a reload that is about to terminate r (Instances.reconfigured)
        if (r.proxyToken() != null) proxyTokens.put(r.proxyToken(), new ProxyTarget(r.id(), d, now.policy(d.id())));
        if (r.camTokens() != null) {
            for (Map.Entry<String, String> e : r.camTokens().entrySet()) feedTokens.put(e.getValue(), new CamGrant(r.id(), e.getKey()));
        }
    }

    /** Removes every token of {@code r} from the lookup tables, then tells the listeners. */
    void revoke(InstanceRecord r, Cause cause) {
        if (r.proxyToken() != null) {
            proxyTokens.remove(r.proxyToken());
            events.revoked(new InstanceEvents.ProxyRevoked(r.id(), cause));
        }
        if (r.camTokens() != null) {
            for (String t : r.camTokens().values()) feedTokens.remove(t);
            events.camDeactivated(new InstanceEvents.CamDeactivated(r.id(), cause));
        }
    }

    private static void requireReady(InstanceRecord r) {
        if (r.status() != InstanceStatus.READY) {
            throw new InstanceException(Reason.NOT_READY, "instance " + r.id() + " is " + r.status() + ", add-ons need it READY");
        }
    }
}
