package org.mistyproxy.proxy.instances;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.proxy.store.DataFolder;
import org.mistyproxy.proxy.store.JsonLines;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The use-queue: reservations waiting, first come first served, for a deployment or for any
 * deployment of a type. Durable ({@code reservations.jsonl}): a reservation is written before its
 * id is handed out, and its end (served or cancelled) is written when it happens.
 *
 * <p>Serving one takes two files: the new instance is written to the instance journal first,
 * carrying the reservation's id, and only then is the reservation marked served here. A crash in
 * between leaves a waiting reservation whose instance exists; {@link #reconcile} (on start, before
 * anything is served) finds it by that id and marks it served. So a reservation is never lost
 * (nothing is removed before its instance is durable) and never served twice.
 */
public final class ReservationQueue implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReservationQueue.class);
    public static final String FILE = "reservations.jsonl";

    /**
     * One waiting reservation.
     *
     * @param target   a deployment id, or a workspace type when {@code byType}
     * @param expireD  the {@code expire_d} the instance will get, seconds (null: none)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Reservation(String id, String user, String target, boolean byType, long created, String eurl, Long expireD) {
        public boolean mayUse(Deployment d) {
            return byType ? d.type().equals(target) : d.id().toString().equals(target);
        }

        public String desc() {
            return (byType ? "type " : "deployment ") + target;
        }
    }

    /**
     * A waiting reservation and its place in line: 1 (next) + the older reservations waiting for a
     * robot it could take. Reservations for other robots are not ahead of it, so a reservation for
     * a type counts those for any deployment of that type, and one for a deployment counts those for
     * its type. First come, first served makes this the order {@code serveWaiting} follows, unless
     * a rule or a lock keeps someone ahead from being served.
     */
    public record Place(Reservation reservation, int position) {}

    /** A stored line: {@code add} with a reservation, {@code cancel} or {@code served} with an id. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    private record Line(String op, Reservation reservation, String id, String instance) {}

    private final JsonLines file;
    private final Map<String, Reservation> waiting = new LinkedHashMap<>();

    public ReservationQueue(DataFolder folder) throws IOException {
        JsonLines.Opened opened = JsonLines.open(folder, FILE);
        for (JsonNode j : opened.lines()) {
            Line l = JsonLines.JSON.treeToValue(j, Line.class);
            switch (l.op()) {
                case "add" -> waiting.put(l.reservation().id(), l.reservation());
                case "cancel", "served" -> waiting.remove(l.id());
                default -> throw new IOException(FILE + ": unknown operation " + l.op());
            }
        }
        this.file = opened.file();
        List<Line> snapshot = new ArrayList<>();
        for (Reservation r : waiting.values()) snapshot.add(new Line("add", r, null, null));
        file.compactOnStart(snapshot);
    }

    /** Marks served every waiting reservation that an instance already carries ({@code reservation id → instance id}). */
    public synchronized void reconcile(Map<String, String> servedBy) {
        for (Map.Entry<String, String> e : servedBy.entrySet()) {
            if (waiting.containsKey(e.getKey())) {
                LOG.warn("event=reservation_recovered reservation={} instance={} note=\"served before a crash; not serving again\"",
                        e.getKey(), e.getValue());
                served(e.getKey(), e.getValue());
            }
        }
    }

    public synchronized void add(Reservation r) {
        file.append(new Line("add", r, null, null));
        waiting.put(r.id(), r);
        LOG.info("event=reservation_added reservation={} user={} target=\"{}\"", r.id(), r.user(), r.desc());
    }

    /** Removes a waiting reservation (its holder or an owner cancelled it); empty when there is none with that id. */
    public Optional<Reservation> cancel(String id) {
        return cancel(id, "cancelled by request");
    }

    /** Removes a waiting reservation, logging {@code reason}; empty when there is none with that id. */
    public synchronized Optional<Reservation> cancel(String id, String reason) {
        Reservation r = waiting.get(id);
        if (r == null) return Optional.empty();
        file.append(new Line("cancel", null, id, null));
        waiting.remove(id);
        LOG.info("event=reservation_cancelled reservation={} user={} reason=\"{}\"", id, r.user(), reason);
        return Optional.of(r);
    }

    /**
     * Records that {@code id} became {@code instance}. The instance is already durable, so even if
     * this line cannot be written the reservation leaves the queue (and {@link #reconcile} would
     * drop it on the next start).
     */
    public synchronized void served(String id, String instance) {
        try {
            file.append(new Line("served", null, id, instance));
        } catch (RuntimeException e) {
            LOG.error("event=reservation_served_unrecorded reservation={} instance={} error={}", id, instance, e.toString());
        }
        waiting.remove(id);
        LOG.info("event=reservation_served reservation={} instance={}", id, instance);
    }

    public synchronized Optional<Reservation> get(String id) {
        return Optional.ofNullable(waiting.get(id));
    }

    /** Every waiting reservation, oldest first. */
    public synchronized List<Reservation> waiting() {
        return new ArrayList<>(waiting.values());
    }

    /** Every waiting reservation with its {@link Place}, oldest first, among {@code deployments} (the robots there are). */
    public synchronized List<Place> places(Collection<Deployment> deployments) {
        List<Place> out = new ArrayList<>();
        List<Reservation> older = new ArrayList<>();
        for (Reservation r : waiting.values()) {
            List<Deployment> wanted = deployments.stream().filter(r::mayUse).toList();
            long ahead = older.stream().filter(o -> wanted.stream().anyMatch(o::mayUse)).count();
            out.add(new Place(r, 1 + (int) ahead));
            older.add(r);
        }
        return out;
    }

    /** How many reservations could be served by {@code d}. */
    public synchronized int waitingFor(Deployment d) {
        int n = 0;
        for (Reservation r : waiting.values()) if (r.mayUse(d)) n++;
        return n;
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
