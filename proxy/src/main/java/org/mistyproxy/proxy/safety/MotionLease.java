package org.mistyproxy.proxy.safety;

import org.mistyproxy.config.Deployment;
import org.mistyproxy.policy.PolicyDecision;

/**
 * What the front door and the relays tell the motion leases: one renewal per request on a proxy
 * URL (the admission link {@link LeaseRenewalLink}), one call per request decided (from the HTTP
 * relay) and one per message on a {@code /pubsub} socket (from the WebSocket relay), plus the
 * end of a socket that did not close properly (or went silent while the robot moved). Calls are
 * cheap and never block: a map lookup and a volatile write on the hot path.
 */
public interface MotionLease {

    /**
     * The policy decided a request of {@code instanceId}: any request renews a running lease; an
     * allowed leased command ({@code lease: motion}) starts one; the borrower's own stop ends it.
     *
     * @return the lease in milliseconds to announce in {@code X-Motion-Lease-Ms}, or 0 when the
     *         request is not a leased command or leasing is off for the deployment
     */
    long decided(String instanceId, Deployment deployment, PolicyDecision decision);

    /**
     * The borrower is still there: renews a running lease. Called for every request on the proxy
     * URL ({@link LeaseRenewalLink}, before any other admission link, so refused requests renew
     * too) and every message (or ping) on {@code /pubsub}.
     */
    void renew(String instanceId);

    /** What {@link #motionHeard} returns when no motion of the instance is leased. */
    long NO_MOTION = Long.MIN_VALUE;

    /**
     * When motion of {@code instanceId} is leased: the {@link System#nanoTime()} of the last request
     * or message that renewed (or started) it; otherwise {@link #NO_MOTION}. The WebSocket relay
     * watches the instance's sockets closely while this says the robot moves.
     */
    long motionHeard(String instanceId);

    /**
     * The borrower's {@code /pubsub} socket ended abnormally (no close frame, an error, a timeout,
     * no answer to pings while the robot moved): if motion is in progress, stop the robot now
     * rather than at the end of the lease.
     */
    void socketLost(String instanceId, String why);

    /** Leases nothing (for relays mounted without a server, as in tests). */
    MotionLease NONE = new MotionLease() {
        @Override
        public long decided(String instanceId, Deployment deployment, PolicyDecision decision) {
            return 0;
        }

        @Override
        public void renew(String instanceId) {}

        @Override
        public long motionHeard(String instanceId) {
            return NO_MOTION;
        }

        @Override
        public void socketLost(String instanceId, String why) {}
    };
}
