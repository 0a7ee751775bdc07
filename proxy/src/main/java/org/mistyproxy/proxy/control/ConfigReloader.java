package org.mistyproxy.proxy.control;

/** Re-reads the server's configuration file and puts it in force, or refuses it whole. */
public interface ConfigReloader {
    /** @param requestedBy who asked, for the log ({@code SIGHUP} or a user's name) */
    ReloadOutcome reload(String requestedBy);
}
