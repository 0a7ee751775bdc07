package org.mistyproxy.proxy.control;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a reload did, as the owner reads it in the answer of {@code POST /reload} and in the log.
 *
 * @param applied      whether the new configuration is in force (false: refused whole, the old one stays)
 * @param errors       why it was refused, each {@code file:line:column path: problem}
 * @param added        deployment ids new in the configuration
 * @param removed      deployment ids no longer in it
 * @param changed      deployment ids whose settings or policy changed
 * @param users        how many users the configuration in force has
 * @param terminated   instances ended because their deployment was removed
 * @param needRestart  settings that differ in the file but take effect only at the next start
 */
public record ReloadOutcome(boolean applied, List<String> errors, List<String> added, List<String> removed,
        List<String> changed, int users, List<String> terminated, List<String> needRestart) {

    public ReloadOutcome {
        errors = List.copyOf(errors);
        added = List.copyOf(added);
        removed = List.copyOf(removed);
        changed = List.copyOf(changed);
        terminated = List.copyOf(terminated);
        needRestart = List.copyOf(needRestart);
    }

    public static ReloadOutcome refused(List<String> errors) {
        return new ReloadOutcome(false, errors, List.of(), List.of(), List.of(), 0, List.of(), List.of());
    }

    /** The JSON body of {@code POST /reload}. */
    public Map<String, Object> json() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("success", applied);
        if (!applied) {
            out.put("message", "configuration refused, the running one stays: " + errors.size() + " error(s)");
            out.put("errors", errors);
            return out;
        }
        out.put("added", added);
        out.put("removed", removed);
        out.put("changed", changed);
        out.put("users", users);
        out.put("terminated", terminated);
        out.put("restart_needed", needRestart);
        return out;
    }
}
