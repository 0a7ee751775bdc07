package org.mistyproxy.proxy.access;

import org.mistyproxy.config.User;

/**
 * A valid API token ({@code Authorization: Bearer}) was presented.
 *
 * @param user        the API user it belongs to (name and role)
 * @param tokenSha256 the SHA-256 (lower-case hex) of the token presented: a user may hold several,
 *                    and what is counted per token (the control API's rate limit) is keyed by it
 */
public record UserGrant(User user, String tokenSha256) implements Grant {}
