package org.mistyproxy.proxy.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** The one JSON shape of an entry, shared by the file and the log endpoint. */
final class AuditJson {
    private final JsonFactory factory = new JsonFactory();

    /** A generator for a stream of lines, reused for every entry (one writer thread owns it). */
    JsonGenerator lines(OutputStream out) throws IOException {
        JsonGenerator g = factory.createGenerator(out);
        g.setRootValueSeparator(null);
        return g;
    }

    static void writeLine(JsonGenerator lines, AuditEntry e) throws IOException {
        write(lines, e);
        lines.writeRaw('\n');
    }

    byte[] recent(String instanceId, List<AuditEntry> entries) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + entries.size() * 256);
        try (JsonGenerator g = factory.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("instance", instanceId);
            g.writeArrayFieldStart("entries");
            for (AuditEntry e : entries) {
                write(g, e);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex); // cannot happen writing to memory
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator g, AuditEntry e) throws IOException {
        g.writeStartObject();
        g.writeStringField("time", e.time().toString());
        g.writeStringField("instance", e.instanceId());
        g.writeStringField("client", e.client());
        g.writeStringField("channel", e.channel());
        g.writeStringField("method", e.method());
        g.writeStringField("path", e.path());
        g.writeStringField("decision", e.allowed() ? "allowed" : "blocked");
        g.writeStringField("rule", e.rule());
        g.writeStringField("reason", e.reason());
        if (e.status() > 0) {
            g.writeNumberField("status", e.status());
        } else {
            g.writeNullField("status");
        }
        if (e.upstreamStatus() > 0) {
            g.writeNumberField("upstream_status", e.upstreamStatus());
        } else {
            g.writeNullField("upstream_status");
        }
        g.writeNumberField("latency_ms", e.latencyMicros() / 1000.0);
        g.writeStringField("error", e.error());
        g.writeEndObject();
    }
}
