package org.mistyproxy.proxy.logs;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.AppenderAttachableImpl;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The hand-off between request threads and the log files: a bounded queue that a request thread
 * only ever offers to (never blocks; a full queue drops the event and counts it, see
 * {@code mistyproxy_log_events_dropped_total}), and one writer thread that takes what has queued up
 * every {@link #BATCH_MS} ms, hands it to the attached appender (Logback's rolling file appender,
 * which formats, writes and rotates) and flushes that once per batch.
 *
 * <p>Why not Logback's {@code AsyncAppender}: its writer blocks in {@code take()}, so every event
 * a request thread logs while the writer waits wakes it (a futex wake-up and two context switches
 * per line, ~13% of the relay's CPU at 17k requests/s, bench/http-relay/PROFILE.md). Here the
 * writer wakes on its own clock, and a request thread pays one uncontended offer. Events are not
 * "prepared for deferred processing" on the request thread: every argument mistyproxy logs is
 * immutable (strings, numbers, records), and the patterns use neither thread name nor MDC.
 */
public final class BatchingAsyncAppender extends UnsynchronizedAppenderBase<ILoggingEvent>
        implements AppenderAttachable<ILoggingEvent> {
    /** How long the writer sleeps when the queue is empty: the longest a line waits to be written. */
    static final long BATCH_MS = 10;

    private final AppenderAttachableImpl<ILoggingEvent> appenders = new AppenderAttachableImpl<>();
    private final LongAdder dropped = new LongAdder();
    private int queueSize = 65_536;
    private long maxFlushMs = 5_000;
    private ArrayBlockingQueue<ILoggingEvent> queue;
    private Thread writer;
    private volatile boolean stopping;

    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    /** How long {@link #stop} waits for the queue to be written out. */
    public void setMaxFlushTime(int ms) {
        this.maxFlushMs = ms;
    }

    @Override
    public void start() {
        if (queueSize < 1) {
            addError("queueSize must be at least 1, got " + queueSize);
            return;
        }
        queue = new ArrayBlockingQueue<>(queueSize);
        stopping = false;
        writer = new Thread(this::write, "mistyproxy-log-" + getName());
        writer.setDaemon(true);
        super.start();
        writer.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (!queue.offer(event)) {
            dropped.increment();
        }
    }

    private void write() {
        ArrayList<ILoggingEvent> batch = new ArrayList<>(1024);
        for (;;) {
            boolean last = stopping; // read before draining: what was queued before stop() is written
            queue.drainTo(batch, 4096);
            for (ILoggingEvent e : batch) {
                appenders.appendLoopOnAppenders(e);
            }
            boolean idle = batch.isEmpty();
            if (!idle) {
                // One write(2) per batch: the file appenders buffer (see BufferedRollingFileAppender).
                appenders.iteratorForAppenders().forEachRemaining(a -> {
                    if (a instanceof BufferedRollingFileAppender<?> f) f.flushIfWritten();
                });
            }
            batch.clear();
            if (last && idle) {
                return;
            }
            if (idle) {
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(BATCH_MS));
            }
        }
    }

    /** Writes out what is queued (up to the max flush time), then stops the attached appenders. */
    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop(); // no new events
        stopping = true;
        LockSupport.unpark(writer);
        try {
            writer.join(maxFlushMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            addWarn("the log writer did not finish within " + maxFlushMs + " ms; " + queue.size() + " events not written");
        }
        appenders.detachAndStopAllAppenders();
    }

    /** Events dropped because the writer had fallen a whole queue behind. */
    public long dropped() {
        return dropped.sum();
    }

    /** Events waiting for the writer. */
    public int queued() {
        return queue == null ? 0 : queue.size();
    }

    // ---- AppenderAttachable: Joran attaches the <appender-ref> here ----

    @Override
    public void addAppender(Appender<ILoggingEvent> appender) {
        appenders.addAppender(appender);
    }

    @Override
    public Iterator<Appender<ILoggingEvent>> iteratorForAppenders() {
        return appenders.iteratorForAppenders();
    }

    @Override
    public Appender<ILoggingEvent> getAppender(String name) {
        return appenders.getAppender(name);
    }

    @Override
    public boolean isAttached(Appender<ILoggingEvent> appender) {
        return appenders.isAttached(appender);
    }

    @Override
    public void detachAndStopAllAppenders() {
        appenders.detachAndStopAllAppenders();
    }

    @Override
    public boolean detachAppender(Appender<ILoggingEvent> appender) {
        return appenders.detachAppender(appender);
    }

    @Override
    public boolean detachAppender(String name) {
        return appenders.detachAppender(name);
    }
}
