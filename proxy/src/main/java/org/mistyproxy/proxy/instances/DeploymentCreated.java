package org.mistyproxy.proxy.instances;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.proxy.store.DataFolder;
import org.mistyproxy.proxy.store.JsonLines;

/**
 * When each deployment was created, as {@code GET /deployment/{id}} reports it: the first time this
 * server (this data folder) saw the deployment id in its configuration. It is written to
 * {@code deployments.jsonl} in the data folder the first time, so it stays the same across restarts
 * and configuration edits; removing a deployment from the configuration and adding it back keeps
 * its date. A data folder from before this file existed gets, for a deployment that already had
 * instances, the start of its oldest instance (it existed then at the latest). Written through
 * {@link JsonLines} (forced before it is used).
 */
public final class DeploymentCreated implements AutoCloseable {
    public static final String FILE = "deployments.jsonl";

    /** One line of the file. */
    public record Entry(UUID deployment, long created) {}

    private final JsonLines file;
    private final Map<UUID, Long> created = new ConcurrentHashMap<>();

    private DeploymentCreated(JsonLines file) {
        this.file = file;
    }

    /**
     * Opens the file and records every configured deployment not seen before.
     *
     * @param earliestInstance the start of the oldest journalled instance of a deployment, if any
     */
    public static DeploymentCreated open(DataFolder folder, Collection<Deployment> deployments, Map<UUID, Long> earliestInstance,
            long now) throws IOException {
        JsonLines.Opened opened = JsonLines.open(folder, FILE);
        DeploymentCreated d = new DeploymentCreated(opened.file());
        List<Entry> kept = new ArrayList<>();
        for (JsonNode line : opened.lines()) {
            Entry e = JsonLines.JSON.treeToValue(line, Entry.class);
            if (d.created.putIfAbsent(e.deployment(), e.created()) == null) kept.add(e);
        }
        opened.file().compactOnStart(kept);
        d.record(deployments, earliestInstance, now);
        return d;
    }

    /** Records the deployments not seen before (at start, and when a reload adds deployments). */
    public synchronized void record(Collection<Deployment> deployments, Map<UUID, Long> earliestInstance, long now) {
        for (Deployment d : deployments) {
            if (created.containsKey(d.id())) continue;
            Entry e = new Entry(d.id(), Math.min(now, earliestInstance.getOrDefault(d.id(), now)));
            file.append(e);
            created.put(e.deployment(), e.created());
        }
    }

    /**
     * Epoch millis. A deployment that appears without {@link #record} having run for it (a reload
     * that forgot to say so) is recorded now, on first sight, rather than failing the read.
     */
    public long of(UUID deployment, long now) {
        Long c = created.get(deployment);
        if (c != null) return c;
        synchronized (this) {
            Long again = created.get(deployment);
            if (again != null) return again;
            Entry e = new Entry(deployment, now);
            file.append(e);
            created.put(deployment, now);
            return now;
        }
    }

    /** The start of the oldest instance of each deployment in {@code records}. */
    public static Map<UUID, Long> earliestInstances(Collection<InstanceRecord> records) {
        Map<UUID, Long> out = new HashMap<>();
        for (InstanceRecord r : records) out.merge(r.deployment(), r.startMillis(), Math::min);
        return out;
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
