package org.mistyproxy.proxy.ws;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The connections of each instance, so that revoking an instance's URLs reaches all of them. */
final class LiveSockets {
    private final Map<String, Set<PubSubConnection>> byInstance = new ConcurrentHashMap<>();

    void add(PubSubConnection c) {
        byInstance.computeIfAbsent(c.instanceId(), k -> ConcurrentHashMap.newKeySet()).add(c);
    }

    void remove(PubSubConnection c) {
        byInstance.computeIfPresent(c.instanceId(), (k, set) -> {
            set.remove(c);
            return set.isEmpty() ? null : set;
        });
    }

    List<PubSubConnection> of(String instanceId) {
        Set<PubSubConnection> set = byInstance.get(instanceId);
        return set == null ? List.of() : new ArrayList<>(set);
    }

    List<PubSubConnection> all() {
        List<PubSubConnection> out = new ArrayList<>();
        byInstance.values().forEach(out::addAll);
        return out;
    }
}
