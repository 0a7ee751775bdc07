package org.mistyproxy.proxy.logs;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.concurrent.atomic.LongAdder;

/**
 * Logback's {@link AsyncAppender} (bounded queue, {@code neverBlock}), counting the events it drops
 * when the queue is full: Logback drops them silently, and an operator must be able to see that
 * the log misses lines ({@code mistyproxy_log_events_dropped_total}). Writing and rotation stay
 * Logback's.
 *
 * <p>The check and the offer are not atomic, so under a race at the very edge a drop can go
 * uncounted; a full queue is then reported on the next event anyway.
 */
public final class CountingAsyncAppender extends AsyncAppender {
    private final LongAdder dropped = new LongAdder();

    @Override
    protected void append(ILoggingEvent event) {
        if (getRemainingCapacity() == 0) {
            dropped.increment();
            return;
        }
        super.append(event);
    }

    /** Events dropped because the writer had fallen a whole queue behind. */
    public long dropped() {
        return dropped.sum();
    }
}
