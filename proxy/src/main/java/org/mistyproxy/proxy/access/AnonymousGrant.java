package org.mistyproxy.proxy.access;

/**
 * No {@code Authorization} header at all, on a control-API read that answers anyone (the
 * deployment catalogue, as on the rerobots service). It grants nothing but those reads; a header
 * that is present is a {@link UserGrant} or a 401.
 */
public record AnonymousGrant() implements Grant {}
