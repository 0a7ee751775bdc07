package org.mistyproxy.proxy.access;

import org.mistyproxy.config.Deployment;
import org.mistyproxy.policy.Policy;

/**
 * What a live proxy token resolves to: the instance that holds it and the deployment (robot) it
 * may reach. Built by the server once per activation, so the relay never looks anything else up.
 *
 * @param instanceId the instance id (a UUID string), for audit entries and rate limits
 * @param deployment the robot, its CORS origins and cameras
 * @param policy     the deployment's policy (one per deployment, shared by its instances; rate
 *                   limits are kept per instance id inside it)
 * @param urlPrefix  the first segment of the long proxy URL form, the SHA-256 hex of the instance
 *                   id, computed here once rather than on every request that presents it
 */
public record ProxyTarget(String instanceId, Deployment deployment, Policy policy, String urlPrefix) {

    public ProxyTarget(String instanceId, Deployment deployment, Policy policy) {
        this(instanceId, deployment, policy, ProxyToken.sha256Hex(instanceId));
    }
}
