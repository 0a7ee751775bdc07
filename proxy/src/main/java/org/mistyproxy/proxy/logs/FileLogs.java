package org.mistyproxy.proxy.logs;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.mistyproxy.config.Logs;
import org.slf4j.Logger;

/**
 * The file logs of one server: {@code access.log} and {@code audit.jsonl}, written by Logback's
 * rolling file appenders (size and day; buffered, {@link BufferedRollingFileAppender}, flushed every
 * {@link #FLUSH_MS} ms when written to) behind Logback's asynchronous appender
 * ({@link CountingAsyncAppender}): a bounded queue that never blocks a request thread and counts what
 * it drops. The configuration is
 * {@code mistyproxy-files.xml} in the jar; each server gets its own Logback context, so servers in
 * one JVM (tests) never share a file, and closing a server flushes and closes its files.
 */
public final class FileLogs implements AutoCloseable {
    public static final String ACCESS = "mistyproxy.access";
    public static final String AUDIT = "mistyproxy.audit";
    static final int QUEUE = 65_536;

    private final LoggerContext context;
    private final Path dir;

    /** How often the file buffers are written out (only when something was logged). */
    static final long FLUSH_MS = 10;

    private FileLogs(LoggerContext context, Path dir) {
        this.context = context;
        this.dir = dir;
        List<BufferedRollingFileAppender<?>> files = new ArrayList<>();
        for (String logger : List.of(ACCESS, AUDIT)) {
            asyncOf(logger).iteratorForAppenders().forEachRemaining(a -> {
                if (a instanceof BufferedRollingFileAppender<?> f) files.add(f);
            });
        }
        // On the context's own scheduler: stopping the context (close) stops it, and closing the
        // files writes what their buffers hold.
        context.addScheduledFuture(context.getScheduledExecutorService().scheduleAtFixedRate(
                () -> files.forEach(BufferedRollingFileAppender::flushIfWritten), FLUSH_MS, FLUSH_MS, TimeUnit.MILLISECONDS));
    }

    /** Opens (creating the folder) the logs that {@code settings} describe. */
    public static FileLogs open(Logs settings) {
        return open(settings, QUEUE);
    }

    /** With a queue of {@code queue} events per log (tests make it tiny to see drops counted). */
    static FileLogs open(Logs settings, int queue) {
        try {
            Files.createDirectories(settings.dir());
        } catch (IOException e) {
            throw new IllegalStateException("cannot create the log folder " + settings.dir() + ": " + e.getMessage(), e);
        }
        LoggerContext ctx = new LoggerContext();
        ctx.setName("mistyproxy-files");
        ctx.setMDCAdapter(new LogbackMDCAdapter()); // a context made by hand has none; events ask for it
        ctx.putProperty("logs_dir", settings.dir().toAbsolutePath().toString());
        ctx.putProperty("max_file_size", settings.maxFileMb() + "MB");
        ctx.putProperty("keep_days", Integer.toString(settings.keepDays()));
        ctx.putProperty("total_size", settings.totalMb() + "MB");
        ctx.putProperty("queue_size", Integer.toString(queue));
        URL xml = FileLogs.class.getResource("/mistyproxy-files.xml");
        if (xml == null) throw new IllegalStateException("mistyproxy-files.xml is missing from the jar");
        JoranConfigurator joran = new JoranConfigurator();
        joran.setContext(ctx);
        try {
            joran.doConfigure(xml);
        } catch (JoranException e) {
            ctx.stop();
            throw new IllegalStateException("cannot set up the log files in " + settings.dir() + ": " + e.getMessage(), e);
        }
        List<String> errors = new ArrayList<>();
        for (Status s : ctx.getStatusManager().getCopyOfStatusList()) {
            if (s.getLevel() == Status.ERROR) errors.add(s.getMessage() + (s.getThrowable() == null ? "" : ": " + s.getThrowable()));
        }
        if (!errors.isEmpty()) {
            ctx.stop();
            throw new IllegalStateException("cannot set up the log files in " + settings.dir() + ": " + String.join("; ", errors));
        }
        return new FileLogs(ctx, settings.dir());
    }

    /** The folder of the files. */
    public Path dir() {
        return dir;
    }

    public Logger access() {
        return context.getLogger(ACCESS);
    }

    public Logger audit() {
        return context.getLogger(AUDIT);
    }

    /** Events of {@code logger} ({@link #ACCESS} or {@link #AUDIT}) dropped because its queue was full. */
    public long dropped(String logger) {
        return asyncOf(logger).dropped();
    }

    /** {@code mistyproxy_log_events_dropped_total{log="access"|"audit"}}. */
    public void bindTo(MeterRegistry metrics) {
        for (String[] l : new String[][] {{"access", ACCESS}, {"audit", AUDIT}}) {
            CountingAsyncAppender a = asyncOf(l[1]);
            FunctionCounter.builder("mistyproxy.log.events.dropped", a, CountingAsyncAppender::dropped)
                    .description("Log lines dropped because the log writer fell a whole queue behind")
                    .tag("log", l[0]).register(metrics);
        }
    }

    private CountingAsyncAppender asyncOf(String logger) {
        var it = context.getLogger(logger).iteratorForAppenders();
        while (it.hasNext()) {
            if (it.next() instanceof CountingAsyncAppender c) return c;
        }
        throw new IllegalStateException("logger " + logger + " has no CountingAsyncAppender");
    }

    /** Writes what is queued (up to 5 s) and closes the files. */
    @Override
    public void close() {
        context.stop();
    }
}
