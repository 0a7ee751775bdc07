package org.mistyproxy.proxy.access;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.User;
import org.mistyproxy.proxy.instances.Lockouts;

/**
 * Which deployment a {@code POST /new} gets, if any: the access rules ({@link AccessRules#decide})
 * first, then lock-outs, then whether it is free. A refusal names the rule or the lock that refused;
 * only "every permitted deployment is in use" is "busy".
 */
public final class Admission {
    /** What {@link #choose} found. */
    public sealed interface Choice permits Free, Wait, Refused {}

    /** This deployment may be instantiated now. */
    public record Free(Deployment deployment) implements Choice {}

    /**
     * Permitted deployments exist but none can be instantiated now; {@code locked} is the lock
     * reason when none of them is busy (all locked), null when some are simply in use.
     */
    public record Wait(String locked) implements Choice {}

    /** The rules permit none of the matching deployments. */
    public record Refused(String reason) implements Choice {}

    private final AccessRules rules;
    private final Lockouts lockouts;

    public Admission(AccessRules rules, Lockouts lockouts) {
        this.rules = rules;
        this.lockouts = lockouts;
    }

    public Choice choose(User user, List<Deployment> matching, Predicate<UUID> busy) {
        List<Deployment> permitted = new ArrayList<>();
        String refusal = null;
        for (Deployment d : matching) {
            AccessRules.Decision dec = rules.decide(user, d);
            if (dec.allowed()) permitted.add(d);
            else if (refusal == null) refusal = dec.reason();
        }
        if (permitted.isEmpty()) {
            return new Refused(matching.size() == 1 ? refusal
                    : "none of the " + matching.size() + " matching deployments may be instantiated by " + user.name()
                            + "; the first says: " + refusal);
        }
        boolean anyBusy = false;
        String lock = null;
        for (Deployment d : permitted) {
            boolean isBusy = busy.test(d.id());
            anyBusy |= isBusy;
            var k = lockouts.lockOf(d.id());
            if (k.isPresent()) {
                if (lock == null) lock = "deployment " + d.id() + " is locked out by " + (k.get().by() == Lockouts.By.OWNER
                        ? "its owner" : "its health check") + ": " + k.get().reason();
            } else if (!isBusy) {
                return new Free(d);
            }
        }
        return new Wait(anyBusy ? null : lock);
    }

    /**
     * Why a waiting reservation can never be served, and whether its holder's eurl hears it.
     *
     * @param tellHolder false when the holder is no longer a user: the owner removed them and the
     *                   server no longer acts for them, so their eurl hears nothing; a holder the
     *                   rules refuse hears {@code CANCELLED} with the reason, as for any end of a
     *                   reservation
     */
    public record Never(String reason, boolean tellHolder) {}

    /**
     * Null while a reservation of {@code userName} (configured as {@code holder}, empty once a
     * reload removed the user) may still be served by one of {@code deployments} it {@code mayUse};
     * otherwise why not: the user is gone, no configured deployment matches its target any more (a
     * reload removed it: the holder hears {@code CANCELLED} rather than wait for a robot that is
     * gone), or the access rules refuse the holder every one of them. A lock-out is no reason (it
     * is lifted).
     */
    public Never never(String userName, Optional<User> holder, Predicate<Deployment> mayUse, Collection<Deployment> deployments) {
        if (holder.isEmpty()) return new Never("user " + userName + " is no longer in the configuration", false);
        String refusal = null;
        boolean any = false;
        for (Deployment d : deployments) {
            if (!mayUse.test(d)) continue;
            any = true;
            AccessRules.Decision decision = rules.decide(holder.get(), d);
            if (decision.allowed()) return null;
            if (refusal == null) refusal = decision.reason();
        }
        if (!any) return new Never("no deployment it could take is in the configuration any more", true);
        return new Never(refusal, true);
    }

    /** Whether a reservation of {@code user} may become an instance of {@code d} now (it is free: the caller knows). */
    public boolean mayServe(User user, Deployment d) {
        return !lockouts.locked(d.id()) && rules.decide(user, d).allowed();
    }
}
