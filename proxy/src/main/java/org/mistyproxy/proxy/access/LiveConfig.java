package org.mistyproxy.proxy.access;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.mistyproxy.config.ConfigError;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.MistyProxyConfig;
import org.mistyproxy.policy.Policy;
import org.mistyproxy.policy.PolicyException;

/**
 * Everything a reload can change, as one immutable snapshot: the deployments by id (in file
 * order), their compiled policies, and the users by token digest. The server keeps the current one
 * in a {@link CurrentConfig}; a reload builds a whole new snapshot (every policy compiled) before
 * it swaps, so a reader sees either the old configuration or the new one, never a mix.
 *
 * @param config      the file as loaded (its listen, tls, data dir and public base are the running
 *                    server's: those need a restart, see {@code server.ConfigReload})
 * @param deployments by id, in the file's order
 * @param policies    one per deployment; a deployment without {@code policy:} gets the shipped misty-safe
 * @param users       the control API's users
 */
public record LiveConfig(MistyProxyConfig config, Map<UUID, Deployment> deployments, Map<UUID, Policy> policies, ApiUsers users) {

    public LiveConfig {
        deployments = Collections.unmodifiableMap(new LinkedHashMap<>(deployments));
        policies = Map.copyOf(policies);
    }

    /**
     * Compiles every policy of {@code config}; every problem of every policy is reported at once.
     * {@code revoked}: API tokens revoked through the API stay revoked whatever the file says.
     */
    public static LiveConfig of(MistyProxyConfig config, RevokedTokens revoked) throws PolicyProblems {
        Map<UUID, Deployment> byId = new LinkedHashMap<>();
        Map<UUID, Policy> policies = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Deployment d : config.deployments()) {
            byId.put(d.id(), d);
            if (d.policy().isEmpty()) {
                policies.put(d.id(), Policy.shipped("misty-safe"));
                continue;
            }
            try {
                policies.put(d.id(), Policy.load(d.policy().get()));
            } catch (PolicyException e) {
                for (ConfigError pe : e.errors()) problems.add(pe + " (policy of deployment " + d.id() + ")");
            }
        }
        if (!problems.isEmpty()) throw new PolicyProblems(problems);
        return new LiveConfig(config, byId, policies, new ApiUsers(config.users(), revoked));
    }

    public Collection<Deployment> deploymentList() {
        return deployments.values();
    }

    public Optional<Deployment> deployment(UUID id) {
        return Optional.ofNullable(deployments.get(id));
    }

    /** The policy of a configured deployment; null when it is not (any more) configured. */
    public Policy policy(UUID deployment) {
        return policies.get(deployment);
    }

    /** The policy files of a configuration could not be compiled; each line is {@code file:line:column problem}. */
    public static final class PolicyProblems extends Exception {
        private final transient List<String> problems;

        public PolicyProblems(List<String> problems) {
            super(String.join("\n", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }
}
