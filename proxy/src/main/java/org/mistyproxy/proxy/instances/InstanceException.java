package org.mistyproxy.proxy.instances;

/**
 * Why the registry refused a change or a lookup, in domain terms; the control API maps each
 * {@link Reason} to an HTTP status and envelope. The message is what the user reads.
 */
public final class InstanceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The kinds of refusal. */
    public enum Reason {
        /** No such instance, or not one the caller may see (ids are not to be probed). */
        NOT_FOUND,
        /** No deployment has the id or type asked for. */
        NO_SUCH_DEPLOYMENT,
        /** Every matching deployment is held by a live instance. */
        BUSY,
        /** The instance has ended already. */
        ALREADY_ENDED,
        /** Add-ons need the instance {@code READY}. */
        NOT_READY,
        /** The add-on is active already (the mistyproxy add-on is applied once). */
        ALREADY_ACTIVE,
        /** The add-on is not active. */
        NOT_ACTIVE,
        /** The cam add-on on a deployment without cameras. */
        NO_CAMERAS,
        /** The access rules do not let the caller instantiate any matching deployment (the message names the rule). */
        REFUSED,
        /** Every permitted deployment is locked out (the message gives the lock's reason). */
        LOCKED,
        /** No such waiting reservation, or not one the caller may see. */
        RESERVATION_NOT_FOUND
    }

    /** The busy message the rerobots client shows. */
    public static final String BUSY_MESSAGE = "All matching workspace deployments are busy. Try again later.";

    private final Reason reason;

    InstanceException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    static InstanceException notFound() {
        return new InstanceException(Reason.NOT_FOUND, "instance not found");
    }

    static InstanceException notActive(String addon, String iid) {
        return new InstanceException(Reason.NOT_ACTIVE, "add-on `" + addon + "` is not active on instance " + iid);
    }
}
