package org.mistyproxy.proxy.relay;

import org.mistyproxy.proxy.audit.AuditLog;
import org.mistyproxy.proxy.safety.MotionLease;
import org.slf4j.Logger;

/** What every relayed request shares: built once by {@link HttpRelay}. */
record RelayContext(
        RelaySettings settings, UpstreamPool pool, Deadlines deadlines, RelayMetrics metrics, AuditLog audit, Logger log,
        MotionLease leases) {}
