package org.mistyproxy.proxy.access;

import org.mistyproxy.config.User;

/**
 * A valid API token ({@code Authorization: Bearer}) was presented.
 *
 * @param user the API user it belongs to (name and role)
 */
public record UserGrant(User user) implements Grant {}
