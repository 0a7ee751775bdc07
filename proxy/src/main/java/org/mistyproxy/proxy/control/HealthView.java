package org.mistyproxy.proxy.control;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.proxy.safety.HealthMonitor;
import org.mistyproxy.proxy.safety.SafetyLog;

/** The robot's health as deployment info shows it to owners ({@code "health": {...}}), times in the rerobots form like every time in the control API. */
final class HealthView {
    private HealthView() {}

    static Map<String, Object> of(Deployment d, HealthMonitor.Status s, Optional<SafetyLog.FailedAction> failed) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("online", s.online());
        h.put("battery", s.battery().isPresent() ? Math.round(s.battery().getAsDouble() * 10) / 10.0 : null);
        h.put("checked", s.checked() == null ? null : RerobotsTime.format(s.checked().toEpochMilli()));
        h.put("failed_probes", s.failedProbes());
        h.put("healthy", s.healthy());
        h.put("problem", s.problem());
        h.put("min_battery", d.safety().minBattery().isPresent() ? d.safety().minBattery().getAsInt() : null);
        h.put("auto_lock", d.safety().health().autoLock());
        h.put("motion_lease_ms", d.safety().motionLeaseMs());
        // A safety action the robot did not carry out (it never blocked the loan's end): the owner should know.
        h.put("last_failed_action", failed.map(f -> {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("time", RerobotsTime.format(f.time().toEpochMilli()));
            a.put("trigger", f.trigger());
            a.put("command", f.command());
            a.put("instance", f.instanceId());
            a.put("error", f.error());
            return (Object) a;
        }).orElse(null));
        return h;
    }
}
