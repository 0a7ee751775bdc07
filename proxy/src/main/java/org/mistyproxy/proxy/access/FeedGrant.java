package org.mistyproxy.proxy.access;

/**
 * A live feed token was presented for exactly this camera of this instance.
 *
 * @param target the camera and the instance whose cam add-on is active
 */
public record FeedGrant(CamTarget target) implements Grant {}
