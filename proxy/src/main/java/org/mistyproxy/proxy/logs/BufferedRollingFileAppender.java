package org.mistyproxy.proxy.logs;

import ch.qos.logback.core.rolling.RollingFileAppender;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Logback's rolling file appender writing through its buffer ({@code immediateFlush=false}),
 * flushed by {@link FileLogs} every {@link FileLogs#FLUSH_MS} ms when something was appended. With
 * {@code immediateFlush=true} every line was one {@code write(2)}: at tens of thousands of requests a
 * second that was most of the log writer's time (bench/http-relay/PROFILE.md). A line still waits
 * at most that long before it is in the file, and closing the appender writes what is buffered.
 */
public final class BufferedRollingFileAppender<E> extends RollingFileAppender<E> {
    private volatile boolean written;

    public BufferedRollingFileAppender() {
        setImmediateFlush(false);
    }

    @Override
    protected void subAppend(E event) {
        super.subAppend(event);
        written = true;
    }

    /** Writes what the buffer holds to the file, if anything was appended since the last call. */
    public void flushIfWritten() {
        if (!written || !isStarted()) {
            return;
        }
        streamWriteLock.lock(); // the writer thread appends (and rolls over) under this lock
        try {
            written = false;
            OutputStream out = getOutputStream();
            if (out != null) out.flush();
        } catch (IOException e) {
            addError("could not flush " + getFile(), e);
        } finally {
            streamWriteLock.unlock();
        }
    }
}
