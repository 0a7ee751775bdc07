package org.mistyproxy.config;

/**
 * A control-API user. Only the SHA-256 of the API token is configured, as 64 lower-case hex digits,
 * so a leaked config file does not leak tokens.
 */
public record User(String name, Role role, String tokenSha256) {}
