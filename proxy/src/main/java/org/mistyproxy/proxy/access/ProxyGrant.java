package org.mistyproxy.proxy.access;

/**
 * A live proxy token was presented: the request may reach {@code target}'s robot, subject to
 * the deployment's origin rule and policy.
 *
 * @param target  the instance holding the token, its deployment and policy
 * @param rawPath the path after the proxy prefix, exactly as on the wire (not decoded), always
 *                beginning with {@code /}, without the query, e.g. {@code /api/device}
 * @param tokenId the token as logs may name it ({@code tok:<8 hex>})
 */
public record ProxyGrant(ProxyTarget target, String rawPath, String tokenId) implements Grant {}
