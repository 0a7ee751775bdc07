package org.mistyproxy.proxy.access;

import java.util.Optional;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.Role;
import org.mistyproxy.config.User;

/**
 * The one answer to "may this caller instantiate this deployment?". Everything that depends on it
 * asks here: {@code POST /new} (which deployments a request may get), and who sees a deployment the
 * owner marked {@code listed: false} (only those who may instantiate it). Access rules, when they
 * exist, are a change of {@link #decide} and of nothing else.
 *
 * <p>The rule: an anonymous caller may not; owners always may; a user as the access rules
 * ({@link AccessRules#decide}) say (no rules: every configured user may).
 */
public final class InstantiatePermission {
    private final AccessRules rules;

    public InstantiatePermission(AccessRules rules) {
        this.rules = rules;
    }

    /** The answer and, for a refusal, the reason a caller is told. */
    public record Decision(boolean allowed, String reason) {
        static Decision allow(String why) {
            return new Decision(true, why);
        }

        static Decision deny(String why) {
            return new Decision(false, why);
        }
    }

    /** May {@code caller} (empty: anonymous) instantiate {@code d}? */
    public Decision decide(Optional<User> caller, Deployment d) {
        if (caller.isEmpty()) return Decision.deny("an anonymous caller may not instantiate; send an API token");
        User u = caller.get();
        if (u.role() == Role.OWNER) return Decision.allow("owners may always instantiate");
        AccessRules.Decision r = rules.decide(u, d);
        return new Decision(r.allowed(), r.reason());
    }

    public boolean may(Optional<User> caller, Deployment d) {
        return decide(caller, d).allowed();
    }
}
