package org.mistyproxy.policy;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/** Reads a policy's {@code websocket:} section (the rules for {@code /pubsub}) into a {@link WsConfig}. */
final class WebSocketSection {
    private static final List<String> WS_KEYS = List.of("enabled", "operations", "allowed_types", "blocked_types",
            "min_debounce_ms", "debounce", "max_subscriptions", "max_message_bytes", "messages_per_second");

    private final PolicyFile file;
    private final LongSupplier clock;
    private final LenientJson json;

    WebSocketSection(PolicyFile file, LongSupplier clock, LenientJson json) {
        this.file = file;
        this.clock = clock;
        this.json = json;
    }

    /** The section's rules; without a section, the file's default decides whether {@code /pubsub} is open. */
    WsConfig read(Value n, int keyLine, boolean defaultAllow, int defaultLine) {
        Set<String> ops = new LinkedHashSet<>(List.of("subscribe", "unsubscribe"));
        if (n == null || n.isNull()) {
            String label = "websocket: the default, " + file.name + ":" + defaultLine;
            return new WsConfig(defaultAllow,
                    "the policy has no websocket: section and its default is block, so /pubsub is refused", ops,
                    null, Set.of(), Map.of(), 0, true, 20, 64 * 1024, 20, label, clock, json);
        }
        String path = "websocket";
        if (!n.isMap()) {
            file.error(n, path, "must be a map of websocket rules, not " + n.shown());
            return null;
        }
        file.unknownKeys(n, path + ".", WS_KEYS);
        String label = "websocket, " + file.name + ":" + keyLine;
        Boolean enabled = file.optionalBool(n.get("enabled"), path + ".enabled");
        Value opsNode = n.get("operations");
        if (opsNode != null) {
            ops.clear();
            List<String> given = file.strings(opsNode, path + ".operations");
            for (int j = 0; given != null && j < given.size(); j++) {
                String op = given.get(j).toLowerCase(Locale.ROOT);
                if (!op.equals("subscribe") && !op.equals("unsubscribe")) {
                    file.error(opsNode.list().get(j), path + ".operations[" + j + "]",
                            "unknown Operation \"" + given.get(j) + "\" (the robot knows subscribe and unsubscribe)");
                }
                ops.add(op);
            }
        }
        Map<String, String> spelling = new HashMap<>();
        Set<String> allowed = null;
        Value allowedNode = n.get("allowed_types");
        if (allowedNode != null) {
            List<String> given = file.strings(allowedNode, path + ".allowed_types");
            if (given != null) {
                allowed = new LinkedHashSet<>();
                for (String t : given) {
                    allowed.add(t.toLowerCase(Locale.ROOT));
                    spelling.put(t.toLowerCase(Locale.ROOT), t);
                }
            }
        }
        Set<String> blocked = new LinkedHashSet<>();
        Value blockedNode = n.get("blocked_types");
        if (blockedNode != null) {
            List<String> given = file.strings(blockedNode, path + ".blocked_types");
            if (given != null) {
                for (String t : given) {
                    blocked.add(t.toLowerCase(Locale.ROOT));
                }
            }
        }
        long minDebounce = 0;
        Value md = n.get("min_debounce_ms");
        if (md != null) {
            Long v = file.wholeIn(md, path + ".min_debounce_ms", 0, 3_600_000, "milliseconds");
            minDebounce = v == null ? 0 : v;
        }
        boolean clamp = true;
        Value deb = n.get("debounce");
        if (deb != null) {
            if (deb.isString() && (deb.text().equals("clamp") || deb.text().equals("refuse"))) {
                clamp = deb.text().equals("clamp");
            } else {
                file.error(deb, path + ".debounce", "must be clamp or refuse, not " + deb.shown());
            }
        }
        int maxSubs = 20;
        Value ms = n.get("max_subscriptions");
        if (ms != null) {
            Long v = file.wholeIn(ms, path + ".max_subscriptions", 0, 10_000, "subscriptions");
            maxSubs = v == null ? maxSubs : v.intValue();
        }
        int maxBytes = 64 * 1024;
        Value mb = n.get("max_message_bytes");
        if (mb != null) {
            Long v = file.wholeIn(mb, path + ".max_message_bytes", 64, 16 * 1024 * 1024, "bytes");
            maxBytes = v == null ? maxBytes : v.intValue();
        }
        double perSecond = 20;
        Value mps = n.get("messages_per_second");
        if (mps != null) {
            if (!mps.isNumber() || Double.parseDouble(mps.text()) <= 0 || Double.parseDouble(mps.text()) > 1e6) {
                file.error(mps, path + ".messages_per_second", "must be a number above 0 (at most 1000000), not "
                        + mps.shown());
            } else {
                perSecond = Double.parseDouble(mps.text());
            }
        }
        boolean on = enabled == null || enabled;
        return new WsConfig(on, "the policy's websocket section says enabled: false, so /pubsub is refused", ops,
                allowed == null ? null : Set.copyOf(allowed), Set.copyOf(blocked), Map.copyOf(spelling), minDebounce,
                clamp, maxSubs, maxBytes, perSecond, label, clock, json);
    }
}
