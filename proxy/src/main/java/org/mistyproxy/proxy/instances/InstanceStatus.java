package org.mistyproxy.proxy.instances;

/**
 * Where an instance is in its life: {@code INIT → READY | INIT_FAIL}, and from {@code INIT} or
 * {@code READY} on to {@code TERMINATED}, in one journal write. Journal lines and the control API
 * carry the names.
 */
public enum InstanceStatus {
    /** Created; the robot probe has not answered yet. */
    INIT,
    /** The robot answered: add-ons may be activated. */
    READY,
    /** The robot did not answer in time, or badly; the deployment is free again. */
    INIT_FAIL,
    /**
     * Written only by older versions, between their two terminate writes; such a line is finished
     * (TERMINATED) on the next start. Never written now, so no eurl hears it.
     */
    TERMINATING,
    /** Ended. */
    TERMINATED;

    /** Holds its deployment: a second instance of the same deployment is "busy". */
    public boolean live() {
        return this == INIT || this == READY || this == TERMINATING;
    }

    /** Over for good (listed only with {@code include_terminated}). */
    public boolean ended() {
        return this == TERMINATED || this == INIT_FAIL;
    }
}
