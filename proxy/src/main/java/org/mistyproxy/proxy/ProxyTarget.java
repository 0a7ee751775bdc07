package org.mistyproxy.proxy;

import org.mistyproxy.config.Deployment;

/**
 * What a live proxy token resolves to: the instance that holds it and the deployment (robot) it
 * may reach. Built by the server once per activation, so the relay never looks anything else up.
 *
 * <p>The deployment's {@code Policy} joins this record as a third component once the policy
 * module lands on main.
 *
 * @param instanceId the instance id (a UUID string), for audit entries and rate limits
 * @param deployment the robot, its CORS origins and cameras
 */
public record ProxyTarget(String instanceId, Deployment deployment) {}
