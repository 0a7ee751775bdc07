package org.mistyproxy.proxy.audit;

import java.util.ArrayList;
import java.util.List;

/** The last few entries of one instance, overwriting the oldest; small lock, held for a copy. */
final class RecentEntries {
    private final AuditEntry[] ring;
    private long written;

    RecentEntries(int capacity) {
        this.ring = new AuditEntry[capacity];
    }

    synchronized void add(AuditEntry e) {
        ring[(int) (written % ring.length)] = e;
        written++;
    }

    /** At most {@code limit} entries, oldest first. */
    synchronized List<AuditEntry> last(int limit) {
        int n = (int) Math.min(Math.min(limit, ring.length), written);
        List<AuditEntry> out = new ArrayList<>(n);
        for (long i = written - n; i < written; i++) {
            out.add(ring[(int) (i % ring.length)]);
        }
        return out;
    }
}
