package org.mistyproxy.proxy.safety;

import io.undertow.server.HandlerWrapper;
import io.undertow.server.HttpHandler;
import org.mistyproxy.proxy.access.Grant;
import org.mistyproxy.proxy.access.ProxyGrant;

/**
 * Motion-lease renewal as an admission link on proxy URLs ({@code proxyAdmission} in
 * {@code ProxyServer}): every request on a live proxy URL renews the instance's running motion
 * lease, whatever follows (a quota's 429 or 503, the origin rule, the policy, a preflight, a
 * {@code /pubsub} upgrade). It is the first link, before the quotas: a borrower whose requests
 * are refused is still there, and the lease stands for "the borrower is still there", not "the
 * borrower's requests reach the robot". Starting a lease (an allowed {@code lease: motion}
 * command) and ending it (the borrower's own stop) happen later, when the policy has decided.
 */
public final class LeaseRenewalLink implements HandlerWrapper {
    private final MotionLease leases;

    public LeaseRenewalLink(MotionLease leases) {
        this.leases = leases;
    }

    @Override
    public HttpHandler wrap(HttpHandler next) {
        return ex -> {
            leases.renew(Grant.of(ex, ProxyGrant.class).target().instanceId());
            next.handleRequest(ex);
        };
    }
}
