package org.mistyproxy.config;

/** What a control-API user may do: an owner sees and terminates every instance, a user only its own. */
public enum Role {
    OWNER,
    USER
}
