package org.mistyproxy.proxy.control;

import java.util.LinkedHashMap;
import java.util.Map;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.Role;
import org.mistyproxy.config.User;
import org.mistyproxy.proxy.instances.InstanceEvents.Cause;
import org.mistyproxy.proxy.instances.Instances;
import org.mistyproxy.proxy.safety.LoanActions;
import org.mistyproxy.proxy.safety.SafetyLocks;

/**
 * The owner's halt, {@code POST /deployment/{id}/halt}: stop and halt go to the robot at once
 * (asynchronously, each with its own timeout, so a slow robot cannot hold the answer), the live
 * instance ends with reason {@code halted by owner} (URLs revoked, sockets and feeds closed,
 * {@code on_end} queued), and the deployment stays locked until the owner unlocks it. Waiting
 * reservations stay queued.
 */
public final class DeploymentHalt {
    static final String REASON = "halted by owner";

    private final Instances instances;
    private final LoanActions actions;
    private final SafetyLocks locks;

    public DeploymentHalt(Instances instances, LoanActions actions, SafetyLocks locks) {
        this.instances = instances;
        this.actions = actions;
        this.locks = locks;
    }

    Map<String, Object> halt(User user, String deploymentId) {
        if (user.role() != Role.OWNER) throw ApiError.of(403, "only an owner may halt a deployment");
        Deployment d = instances.deployment(deploymentId).orElseThrow(() -> ApiError.of(404, "deployment not found"));
        actions.halt(instances.liveInstanceOf(d.id()), d, user.name());
        // Locked before the loan ends, so no reservation can take the robot in between.
        locks.lock(d.id(), REASON + " " + user.name(), false);
        String ended = instances.endLoanOf(d, Cause.HALTED, REASON);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("success", true);
        out.put("instance", ended);
        out.put("locked", locks != SafetyLocks.NONE);
        return out;
    }
}
