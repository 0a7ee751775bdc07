package org.mistyproxy.proxy.safety;

import java.util.UUID;

/**
 * How the safety parts lock a deployment out (the owner's halt; the health probe's automatic lock)
 * and lift their own automatic lock. The server wires it to the lock-out store; an automatic
 * unlock never lifts a lock the owner placed.
 */
public interface SafetyLocks {

    /** Locks with a reason; {@code automatic} for the health probe's lock, false for the owner's (halt). */
    void lock(UUID deployment, String reason, boolean automatic);

    /** Lifts the automatic lock only. */
    void unlockAutomatic(UUID deployment);

    /** No lock-out store in this server: nothing is locked (and the halt says so). */
    SafetyLocks NONE = new SafetyLocks() {
        @Override
        public void lock(UUID deployment, String reason, boolean automatic) {}

        @Override
        public void unlockAutomatic(UUID deployment) {}
    };
}
