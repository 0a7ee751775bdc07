package org.mistyproxy.proxy.instances;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.mistyproxy.proxy.store.DataFolder;
import org.mistyproxy.proxy.store.JsonLines;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which deployments are locked out (no new instance, no reservation turns into one; a live instance
 * goes on), why, and by whom. Durable ({@code lockouts.jsonl}).
 *
 * <p>Two kinds of lock can hold at once: the owner's (API, or an owner's halt) and an automatic one
 * (the robot-health probe). {@link #lock}/{@link #unlock} with {@link By#AUTO} touch only the
 * automatic one, so a recovering robot never lifts an owner's lock; the owner's unlock lifts both
 * (the probe locks again if the robot is still unwell). This is the public entry point for parts
 * that lock on their own: {@code lockouts.lock(deploymentId, "battery at 9 %", Lockouts.By.AUTO)}.
 */
public final class Lockouts implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Lockouts.class);
    public static final String FILE = "lockouts.jsonl";

    /** Who placed a lock. */
    public enum By { OWNER, AUTO }

    /** One lock: why, by whom, since when (epoch millis). */
    public record Lock(UUID deployment, String reason, By by, long since) {}

    /** A stored line: a lock, or (with {@code unlock} true) the lifting of the lock of {@code by}. */
    private record Line(UUID deployment, By by, String reason, Long since, Boolean unlock) {}

    private final JsonLines file;
    private final Clock clock;
    private final Map<UUID, Lock> owner = new HashMap<>();
    private final Map<UUID, Lock> auto = new HashMap<>();
    private final List<Consumer<UUID>> unlocked = new CopyOnWriteArrayList<>();

    public Lockouts(DataFolder folder, Clock clock) throws IOException {
        this.clock = clock;
        JsonLines.Opened opened = JsonLines.open(folder, FILE);
        for (JsonNode j : opened.lines()) {
            Line l = JsonLines.JSON.treeToValue(j, Line.class);
            Map<UUID, Lock> m = l.by() == By.OWNER ? owner : auto;
            if (Boolean.TRUE.equals(l.unlock())) m.remove(l.deployment());
            else m.put(l.deployment(), new Lock(l.deployment(), l.reason(), l.by(), l.since()));
        }
        this.file = opened.file();
        List<Line> snapshot = new ArrayList<>();
        for (Map<UUID, Lock> m : List.of(owner, auto)) {
            for (Lock k : m.values()) snapshot.add(new Line(k.deployment(), k.by(), k.reason(), k.since(), null));
        }
        file.compactOnStart(snapshot);
    }

    /** Called, outside any lock of this class, when a deployment is no longer locked at all. */
    public void onUnlocked(Consumer<UUID> listener) {
        unlocked.add(listener);
    }

    /**
     * Locks {@code deployment} (durably) with a reason; locking again replaces the reason. Throws
     * {@link org.mistyproxy.proxy.store.ChangeNotStored} when the change cannot be stored (nothing changed then).
     */
    public void lock(UUID deployment, String reason, By by) {
        synchronized (this) {
            Map<UUID, Lock> m = by == By.OWNER ? owner : auto;
            Lock current = m.get(deployment);
            if (current != null && current.reason().equals(reason)) return;
            Lock k = new Lock(deployment, reason, by, clock.millis());
            file.append(new Line(deployment, by, reason, k.since(), null));
            m.put(deployment, k);
        }
        LOG.info("event=deployment_locked deployment={} by={} reason=\"{}\"", deployment, by, reason);
    }

    /**
     * Lifts the lock {@code by} placed ({@link By#OWNER} lifts every lock). Returns whether the
     * deployment is now unlocked.
     */
    public boolean unlock(UUID deployment, By by) {
        boolean nowFree;
        boolean changedAny = false;
        synchronized (this) {
            List<Map<UUID, Lock>> lift = by == By.OWNER ? List.of(owner, auto) : List.of(auto);
            for (Map<UUID, Lock> m : lift) {
                Lock k = m.get(deployment);
                if (k == null) continue;
                file.append(new Line(deployment, k.by(), null, null, true));
                m.remove(deployment);
                changedAny = true;
            }
            nowFree = !owner.containsKey(deployment) && !auto.containsKey(deployment);
        }
        if (changedAny) LOG.info("event=deployment_unlocked deployment={} by={} still_locked={}", deployment, by, !nowFree);
        if (changedAny && nowFree) {
            for (Consumer<UUID> l : unlocked) {
                try {
                    l.accept(deployment);
                } catch (RuntimeException e) {
                    LOG.warn("event=listener_failed event_type=Unlocked error={}", e.toString());
                }
            }
        }
        return nowFree;
    }

    public synchronized boolean locked(UUID deployment) {
        return owner.containsKey(deployment) || auto.containsKey(deployment);
    }

    /** Whether {@code by} holds a lock on {@code deployment} (the other kind may hold one too). */
    public synchronized boolean locked(UUID deployment, By by) {
        return (by == By.OWNER ? owner : auto).containsKey(deployment);
    }

    /** The lock in force: the owner's if there is one (it outlives the automatic one), else the automatic one. */
    public synchronized Optional<Lock> lockOf(UUID deployment) {
        Lock k = owner.get(deployment);
        return Optional.ofNullable(k != null ? k : auto.get(deployment));
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
