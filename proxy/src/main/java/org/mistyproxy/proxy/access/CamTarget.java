package org.mistyproxy.proxy.access;

import org.mistyproxy.config.Camera;
import org.mistyproxy.config.Deployment;

/**
 * A camera request the server has already authorised: the cam add-on is active on the instance,
 * and either the Bearer token may see the instance or the feed token matched.
 *
 * @param instanceId the instance whose cam add-on is active
 * @param deployment the deployment the camera belongs to
 * @param camera     the camera named in the URL
 */
public record CamTarget(String instanceId, Deployment deployment, Camera camera) {}
