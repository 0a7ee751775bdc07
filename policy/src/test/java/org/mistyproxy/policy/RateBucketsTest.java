package org.mistyproxy.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The keyed token buckets the control API's rate-limit headers are computed from (on a fake clock). */
class RateBucketsTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void takeSaysWhatIsLeftAndWhenTheBucketRefills() {
        AtomicLong now = new AtomicLong(5 * SECOND);
        RateBuckets<String> b = new RateBuckets<>(10, 60 * SECOND, now::get);
        RateBuckets.Take first = b.take("alice", 3, 60 * SECOND);
        assertEquals(new RateBuckets.Take(true, 2, 0, 20 * SECOND), first);
        b.take("alice", 3, 60 * SECOND);
        RateBuckets.Take last = b.take("alice", 3, 60 * SECOND);
        assertEquals(new RateBuckets.Take(true, 0, 20 * SECOND, 60 * SECOND), last);
        RateBuckets.Take refused = b.take("alice", 3, 60 * SECOND);
        assertFalse(refused.taken());
        assertEquals(0, refused.remaining());
        // another key has its own bucket
        assertTrue(b.take("bob", 3, 60 * SECOND).taken());
        // a third of the period later, one token is back
        now.addAndGet(20 * SECOND);
        RateBuckets.Take again = b.take("alice", 3, 60 * SECOND);
        assertEquals(new RateBuckets.Take(true, 0, 20 * SECOND, 60 * SECOND), again);
    }
}
