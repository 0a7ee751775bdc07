package org.mistyproxy.proxy.audit;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Turns an audit event (logged as {@code audit.info("audit", entry)}) into its JSON line. It runs
 * on the log writer's thread, not on the request's: the IO thread only queues the entry. Named in
 * {@code mistyproxy-files.xml}; Logback's rolling appender does the writing and rotation.
 */
public final class AuditEncoder extends EncoderBase<ILoggingEvent> {
    private final AuditJson json = new AuditJson();
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public synchronized byte[] encode(ILoggingEvent event) {
        Object[] args = event.getArgumentArray();
        if (args == null || args.length != 1 || !(args[0] instanceof AuditEntry entry)) {
            return (event.getFormattedMessage() + "\n").getBytes(StandardCharsets.UTF_8);
        }
        buffer.reset();
        try {
            com.fasterxml.jackson.core.JsonGenerator g = json.lines(buffer);
            json.writeLine(g, entry);
            g.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen writing to memory
        }
        return buffer.toByteArray();
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }
}
