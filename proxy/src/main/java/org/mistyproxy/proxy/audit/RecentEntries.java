package org.mistyproxy.proxy.audit;

import java.util.ArrayList;
import java.util.List;

/**
 * The last few entries of one instance, overwriting the oldest, with running totals; small lock,
 * held for a copy. Entries are numbered from 1 in arrival order ({@code seq}), so a reader can ask
 * for what came after the last entry it saw and knows how many it missed.
 */
final class RecentEntries {
    private final AuditEntry[] ring;
    private long written;
    private long requests;
    private long blocked;

    RecentEntries(int capacity) {
        this.ring = new AuditEntry[capacity];
    }

    synchronized void add(AuditEntry e) {
        ring[(int) (written % ring.length)] = e;
        written++;
        // mistyproxy's own safety actions (on_ready, lease stops, on_end) are in the log for the
        // borrower to see, but they are not the borrower's requests
        if (!"safety".equals(e.channel())) {
            requests++;
            if (!e.allowed()) blocked++;
        }
    }

    /** At most {@code limit} entries, oldest first. */
    synchronized List<AuditEntry> last(int limit) {
        return window(0, limit).entries();
    }

    /** The newest {@code limit} entries whose seq is above {@code after}, oldest first, and the totals. */
    synchronized Window window(long after, int limit) {
        long from = Math.max(Math.max(after, written - ring.length), written - Math.max(limit, 0));
        List<AuditEntry> out = new ArrayList<>((int) Math.max(0, written - from));
        for (long i = from; i < written; i++) {
            out.add(ring[(int) (i % ring.length)]);
        }
        return new Window(from + 1, out, written, requests, blocked);
    }

    /**
     * @param firstSeq the seq of the first entry in {@code entries}
     * @param written  entries recorded for the instance so far (the seq of the newest)
     * @param requests how many of them were the borrower's requests (not mistyproxy's safety actions)
     * @param blocked  how many of those were refusals
     */
    record Window(long firstSeq, List<AuditEntry> entries, long written, long requests, long blocked) {
        static final Window EMPTY = new Window(1, List.of(), 0, 0, 0);
    }
}
