package org.mistyproxy.proxy.control;

import com.fasterxml.jackson.databind.JsonNode;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.mistyproxy.config.AccessRule;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.Role;
import org.mistyproxy.config.User;
import org.mistyproxy.proxy.access.AccessRules;
import org.mistyproxy.proxy.access.CurrentConfig;
import org.mistyproxy.proxy.instances.EventUrlNotifier;
import org.mistyproxy.proxy.instances.Instances;
import org.mistyproxy.proxy.instances.Lockouts;
import org.mistyproxy.proxy.instances.ReservationQueue;

/**
 * The owner's side of the control API: access rules ({@code /rules}, {@code /deployment/{id}/rules},
 * {@code /deployment/{id}/rule[/{rule_id}]}), lock-out ({@code /deployment/{id}/lockout}), the
 * use-queue ({@code /reservations}, {@code /reservation/{id}}; {@code /queuelen/{id}}, which anyone
 * may read, is {@link DeploymentCatalog}'s), and the
 * fields these add to deployment info. Owners read and write; a user reads only what is about them.
 */
public final class GovernanceApi {
    private static final int MAX_REASON = 200;

    private final Instances instances;
    private final AccessRules rules;
    private final Lockouts lockouts;
    private final CurrentConfig config;
    private final EventUrlNotifier notifier;
    private final DeploymentCatalog catalog;

    /** @param catalog who may know that a deployment exists ({@code listed: false}); asked for every deployment id here */
    public GovernanceApi(Instances instances, AccessRules rules, Lockouts lockouts, CurrentConfig config, EventUrlNotifier notifier,
            DeploymentCatalog catalog) {
        this.catalog = catalog;
        this.notifier = notifier;
        this.instances = instances;
        this.rules = rules;
        this.lockouts = lockouts;
        this.config = config;
    }

    private static boolean owns(String first) {
        return switch (first) {
            case "rules", "reservations", "reservation" -> true;
            default -> false;
        };
    }

    /** Whether this class answers {@code seg} (the rest of {@code /deployment/...} stays with {@link ControlApi}). */
    public static boolean answers(List<String> seg) {
        if (owns(seg.get(0))) return true;
        return seg.get(0).equals("deployment") && seg.size() >= 3 && Set.of("rules", "rule", "lockout").contains(seg.get(2));
    }

    public Object route(HttpServerExchange ex, String m, List<String> seg, User user) throws IOException {
        String a = seg.get(0);
        int n = seg.size();
        if (a.equals("rules") && n == 1) {
            only(m, "GET");
            List<Object> out = new ArrayList<>();
            for (Deployment d : instances.deployments()) {
                // an unlisted deployment the caller may not instantiate does not exist for them, even
                // through a deny rule about them
                if (catalog.visible(Optional.of(user), d)) out.addAll(visibleRules(d, user, ex));
            }
            return Map.of("rules", out);
        }
        if (a.equals("reservations") && n == 1) {
            only(m, "GET");
            List<Object> out = new ArrayList<>();
            for (ReservationQueue.Place p : instances.reservations(user)) {
                ReservationQueue.Reservation r = p.reservation();
                Map<String, Object> j = new LinkedHashMap<>();
                j.put("id", r.id());
                j.put("created", RerobotsTime.format(r.created()));
                j.put("desc", r.desc());
                j.put("user", r.user());
                j.put("position", p.position());
                out.add(j);
            }
            return Map.of("reservations", out);
        }
        if (a.equals("reservation") && n == 2) {
            only(m, "DELETE");
            instances.cancelReservation(user, seg.get(1));
            return Map.of("success", true);
        }
        Deployment d = catalog.find(Optional.of(user), seg.get(1));
        String what = seg.get(2);
        if (what.equals("rules") && n == 3) {
            only(m, "GET");
            return Map.of("rules", visibleRules(d, user, ex));
        }
        if (what.equals("rule") && n == 3) {
            only(m, "POST");
            requireOwner(user, "change access rules");
            return Map.of("rule_id", addRule(ex, d, user).id());
        }
        if (what.equals("rule") && n == 4) {
            only(m, "DELETE");
            requireOwner(user, "change access rules");
            int id;
            try {
                id = Integer.parseInt(seg.get(3));
            } catch (NumberFormatException e) {
                throw ApiError.of(400, "rule id must be a whole number, got `" + seg.get(3) + "`");
            }
            rules.delete(d.id(), id, user.name())
                    .orElseThrow(() -> ApiError.of(404, "deployment " + d.id() + " has no access rule " + id));
            return Map.of("success", true);
        }
        if (what.equals("lockout") && n == 3) {
            requireOwner(user, "lock or unlock a deployment");
            switch (m) {
                case "POST" -> lockouts.lock(d.id(), lockReason(ex, user), Lockouts.By.OWNER);
                case "DELETE" -> lockouts.unlock(d.id(), Lockouts.By.OWNER);
                default -> throw ApiError.of(405, "method " + m + " not allowed here; use POST or DELETE");
            }
            return Map.of("success", true);
        }
        throw ApiError.of(404, "no control API route " + m + " " + String.join("/", seg));
    }

    /** Null when {@code eurl} may be given to {@code POST /new}, else why not. Blocking (resolves names). */
    public String eurlProblem(String eurl) {
        return notifier.problem(eurl);
    }

    /**
     * Adds {@code lockout} to deployment info for every caller ({@code caller} empty: anonymous;
     * hardshare and {@code rerobots wdinfo} read it), and for owners {@code cap} and the lock's reason.
     */
    public void describe(Map<String, Object> out, Deployment d, Optional<User> caller) {
        Optional<Lockouts.Lock> lock = lockouts.lockOf(d.id());
        out.put("lockout", lock.isPresent());
        if (caller.isEmpty() || caller.get().role() != Role.OWNER) return;
        List<Object> cap = new ArrayList<>();
        for (AccessRules.Rule r : rules.rulesOf(d.id(), null)) cap.add(json(r));
        out.put("cap", cap);
        lock.ifPresent(k -> {
            out.put("lockout_reason", k.reason());
            out.put("lockout_by", k.by() == Lockouts.By.OWNER ? "owner" : "health");
            out.put("lockout_since", RerobotsTime.format(k.since()));
        });
    }

    private List<Object> visibleRules(Deployment d, User user, HttpServerExchange ex) {
        String toUser = ControlApi.param(ex, "to_user");
        List<Object> out = new ArrayList<>();
        for (AccessRules.Rule r : rules.rulesOf(d.id(), toUser)) {
            boolean aboutCaller = r.user().equals(user.name()) || r.user().equals(AccessRule.EVERYONE);
            if (user.role() == Role.OWNER || aboutCaller) out.add(json(r));
        }
        return out;
    }

    private static Map<String, Object> json(AccessRules.Rule r) {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("id", r.id());
        j.put("date_created", RerobotsTime.format(r.created()));
        j.put("user", r.user());
        j.put("wdeployment_id", r.deployment().toString());
        j.put("capability", r.capability());
        j.put("param", null);
        if (r.source() != null) j.put("source", r.source());
        return j;
    }

    private AccessRules.Rule addRule(HttpServerExchange ex, Deployment d, User caller) throws IOException {
        JsonNode body = ControlApi.readJsonBody(ex);
        if (body == null || !body.isObject()) {
            throw ApiError.of(400, "request body must be a JSON object such as {\"cap\": \"CAP_INSTANTIATE\", \"user\": \"*\"}");
        }
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("cap") && !f.equals("user")) throw ApiError.of(400, "unknown field `" + f + "` in request body; allowed: cap, user");
        }
        JsonNode cap = body.get("cap");
        if (cap == null || !cap.isTextual() || !AccessRule.isCapability(cap.asText())) {
            throw ApiError.of(400, "cap must be \"" + AccessRule.INSTANTIATE + "\" or \"" + AccessRule.NO_INSTANTIATE + "\", got "
                    + (cap == null ? "nothing" : cap.toString()));
        }
        JsonNode u = body.get("user");
        String who = u == null || u.isNull() ? caller.name() : u.isTextual() ? u.asText() : null;
        if (who == null) throw ApiError.of(400, "user must be a user name or \"*\", got " + u);
        if (!who.equals(AccessRule.EVERYONE) && config.get().users().byName(who).isEmpty()) {
            throw ApiError.of(400, "user must be \"*\" or a configured user; there is no user `" + who + "`");
        }
        return rules.add(d.id(), cap.asText(), who, caller.name());
    }

    private static String lockReason(HttpServerExchange ex, User user) throws IOException {
        JsonNode body = ControlApi.readJsonBody(ex);
        if (body == null) return "locked by " + user.name();
        if (!body.isObject()) throw ApiError.of(400, "request body must be empty or a JSON object such as {\"reason\": \"charging\"}");
        for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("reason")) throw ApiError.of(400, "unknown field `" + f + "` in request body; allowed: reason");
        }
        JsonNode r = body.get("reason");
        if (r == null || r.isNull()) return "locked by " + user.name();
        if (!r.isTextual() || r.asText().isBlank() || r.asText().length() > MAX_REASON) {
            throw ApiError.of(400, "reason must be a non-empty string of at most " + MAX_REASON + " characters");
        }
        return r.asText();
    }

    private static void requireOwner(User user, String what) {
        if (user.role() != Role.OWNER) throw ApiError.of(403, "only an owner may " + what + "; " + user.name() + " is a user");
    }

    private static void only(String m, String wanted) {
        if (!m.equals(wanted)) throw ApiError.of(405, "method " + m + " not allowed here; use " + wanted);
    }
}
