package org.mistyproxy.proxy.access;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.mistyproxy.config.AccessRule;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.Role;
import org.mistyproxy.config.User;
import org.mistyproxy.proxy.control.ApiError;
import org.mistyproxy.proxy.control.RerobotsTime;
import org.mistyproxy.proxy.store.DataFolder;
import org.mistyproxy.proxy.store.JsonLines;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may instantiate which deployment: the rules of the configuration file plus the ones owners
 * make through the API ({@code rules.jsonl}), and {@link #decide}, the one place that answers "may
 * this user instantiate this deployment". Owners always may; a deployment without rules is open to
 * every configured user; otherwise a rule about the user beats a rule about {@code *}, and a deny
 * beats an allow at the same level.
 *
 * <p>Configured rules are numbered from {@link #CONFIG_IDS} + 1 in file order and cannot be deleted
 * through the API (the file would bring them back); API rules are numbered from 1, never reused.
 */
public final class AccessRules implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AccessRules.class);
    public static final String FILE = "rules.jsonl";
    public static final int CONFIG_IDS = 1_000_000;

    /** One rule as the API shows it; {@code source} is {@code file:line:column} for configured rules, else null. */
    public record Rule(int id, long created, String user, UUID deployment, String capability, String source, String createdBy) {
        boolean denies() {
            return capability.equals(AccessRule.NO_INSTANTIATE);
        }

        String describe() {
            String who = user.equals(AccessRule.EVERYONE) ? "every user (*)" : user;
            String where = source != null ? source : "made by " + createdBy + " at " + RerobotsTime.format(created);
            return "access rule " + id + " (" + capability + " for " + who + ", " + where + ")";
        }
    }

    /** The answer of {@link #decide}: {@code reason} names the rule that decided, if one did. */
    public record Decision(boolean allowed, String reason) {}

    /** A stored line: {@code add} with a rule, {@code delete} with an id, or {@code next} with the next free id. */
    private record Line(String op, Rule rule, Integer id) {}

    private final JsonLines file;
    private final Clock clock;
    private final Map<UUID, List<Rule>> configured = new LinkedHashMap<>();
    private final Map<Integer, Rule> made = new LinkedHashMap<>();
    private final List<Runnable> changed = new CopyOnWriteArrayList<>();
    private int nextId = 1;

    public AccessRules(Collection<Deployment> deployments, DataFolder folder, Clock clock) throws IOException {
        this.clock = clock;
        configure(deployments);
        JsonLines.Opened opened = JsonLines.open(folder, FILE);
        for (JsonNode j : opened.lines()) {
            Line l = JsonLines.JSON.treeToValue(j, Line.class);
            switch (l.op()) {
                case "add" -> {
                    made.put(l.rule().id(), l.rule());
                    nextId = Math.max(nextId, l.rule().id() + 1);
                }
                case "delete" -> made.remove(l.id());
                case "next" -> nextId = Math.max(nextId, l.id());
                default -> throw new IOException(FILE + ": unknown operation " + l.op());
            }
        }
        this.file = opened.file();
        List<Line> snapshot = new ArrayList<>();
        snapshot.add(new Line("next", null, nextId));
        for (Rule r : made.values()) snapshot.add(new Line("add", r, null));
        file.compactOnStart(snapshot);
    }

    /**
     * The configuration was reloaded: its rules replace the configured ones (numbered again from
     * {@link #CONFIG_IDS} in file order); rules made through the API stay. Waiting reservations
     * are looked at again, since a rule may now allow them.
     */
    public void reconfigure(Collection<Deployment> deployments) {
        synchronized (this) {
            configure(deployments);
        }
        changed.forEach(Runnable::run);
    }

    private void configure(Collection<Deployment> deployments) {
        int n = CONFIG_IDS;
        long now = clock.millis();
        configured.clear();
        for (Deployment d : deployments) {
            List<Rule> rules = new ArrayList<>();
            for (AccessRule r : d.accessRules()) rules.add(new Rule(++n, now, r.user(), d.id(), r.capability(), r.source(), null));
            configured.put(d.id(), List.copyOf(rules));
        }
    }

    /** Called (outside any lock of this class) after a rule was added or deleted: a waiting reservation may now be served. */
    public void onChange(Runnable listener) {
        changed.add(listener);
    }

    /** The one decision "may {@code user} instantiate {@code d}" as far as the rules go (lock-out is separate). */
    public synchronized Decision decide(User user, Deployment d) {
        if (user.role() == Role.OWNER) return new Decision(true, "owners may always instantiate");
        List<Rule> rules = rulesOf(d.id());
        if (rules.isEmpty()) return new Decision(true, "no access rules: open to every configured user");
        Rule userDeny = null, userAllow = null, allDeny = null, allAllow = null;
        for (Rule r : rules) {
            if (r.user().equals(user.name())) {
                if (r.denies() && userDeny == null) userDeny = r;
                if (!r.denies() && userAllow == null) userAllow = r;
            } else if (r.user().equals(AccessRule.EVERYONE)) {
                if (r.denies() && allDeny == null) allDeny = r;
                if (!r.denies() && allAllow == null) allAllow = r;
            }
        }
        if (userDeny != null) return refused(d, user, userDeny);
        if (userAllow != null) return new Decision(true, "permitted by " + userAllow.describe());
        if (allDeny != null) return refused(d, user, allDeny);
        if (allAllow != null) return new Decision(true, "permitted by " + allAllow.describe());
        List<String> ids = new ArrayList<>();
        for (Rule r : rules) ids.add(String.valueOf(r.id()));
        return new Decision(false, "deployment " + d.id() + " may not be instantiated by " + user.name()
                + ": none of its access rules (" + String.join(", ", ids) + ") permits " + user.name() + " or *");
    }

    private static Decision refused(Deployment d, User user, Rule r) {
        return new Decision(false, "deployment " + d.id() + " may not be instantiated by " + user.name() + ": refused by " + r.describe());
    }

    /** Rules of one deployment, configured ones first; {@code toUser} (nullable) keeps only rules about that user. */
    public synchronized List<Rule> rulesOf(UUID deployment, String toUser) {
        List<Rule> out = new ArrayList<>();
        for (Rule r : rulesOf(deployment)) if (toUser == null || r.user().equals(toUser)) out.add(r);
        return out;
    }

    private List<Rule> rulesOf(UUID deployment) {
        List<Rule> out = new ArrayList<>(configured.getOrDefault(deployment, List.of()));
        for (Rule r : made.values()) if (r.deployment().equals(deployment)) out.add(r);
        return out;
    }

    /** Adds a rule (durably); an identical existing rule is returned instead of a duplicate. */
    public Rule add(UUID deployment, String capability, String user, String by) {
        Rule r;
        synchronized (this) {
            for (Rule e : rulesOf(deployment)) {
                if (e.capability().equals(capability) && e.user().equals(user)) return e;
            }
            r = new Rule(nextId, clock.millis(), user, deployment, capability, null, by);
            file.append(new Line("add", r, null));
            made.put(r.id(), r);
            nextId++;
        }
        LOG.info("event=access_rule_added rule={} deployment={} cap={} user={} by={}", r.id(), deployment, capability, user, by);
        fire();
        return r;
    }

    /** Deletes an API rule of {@code deployment}; empty when there is none with that id. */
    public Optional<Rule> delete(UUID deployment, int id, String by) {
        Rule r;
        synchronized (this) {
            r = made.get(id);
            if (r == null || !r.deployment().equals(deployment)) {
                for (Rule c : configured.getOrDefault(deployment, List.of())) {
                    if (c.id() == id) throw ApiError.of(400, "access rule " + id + " is written in the configuration at "
                            + c.source() + "; remove it there");
                }
                return Optional.empty();
            }
            file.append(new Line("delete", null, id));
            made.remove(id);
        }
        LOG.info("event=access_rule_deleted rule={} deployment={} by={}", id, deployment, by);
        fire();
        return Optional.of(r);
    }

    private void fire() {
        for (Runnable l : changed) {
            try {
                l.run();
            } catch (RuntimeException e) {
                LOG.warn("event=listener_failed event_type=AccessRulesChanged error={}", e.toString());
            }
        }
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
