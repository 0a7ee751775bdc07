package org.mistyproxy.proxy.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
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

    void writeLine(JsonGenerator lines, AuditEntry e) throws IOException {
        write(lines, e, time(e.time()), 0);
        lines.writeRaw('\n');
    }

    // The file writer formats tens of thousands of times a second under load; Instant.toString
    // builds the whole date each time. Entries arrive in order, so the part up to the second is
    // formatted once per second and reused.
    private long second = Long.MIN_VALUE;
    private String secondText;

    private String time(Instant t) {
        if (t.getEpochSecond() != second) {
            second = t.getEpochSecond();
            String whole = Instant.ofEpochSecond(second).toString(); // 2026-11-22T02:17:14Z
            secondText = whole.substring(0, whole.length() - 1);
        }
        int micros = t.getNano() / 1000;
        char[] frac = {'.', '0', '0', '0', '0', '0', '0', 'Z'};
        for (int i = 6; i >= 1; i--) {
            frac[i] = (char) ('0' + micros % 10);
            micros /= 10;
        }
        return secondText + new String(frac);
    }

    byte[] recent(String instanceId, RecentEntries.Window w) {
        List<AuditEntry> entries = w.entries();
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + entries.size() * 256);
        try (JsonGenerator g = factory.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("instance", instanceId);
            g.writeArrayFieldStart("entries");
            long seq = w.firstSeq();
            for (AuditEntry e : entries) {
                write(g, e, e.time().toString(), seq++);
            }
            g.writeEndArray();
            g.writeNumberField("next", w.written());
            g.writeNumberField("requests", w.requests());
            g.writeNumberField("blocked", w.blocked());
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex); // cannot happen writing to memory
        }
        return out.toByteArray();
    }

    /** {@code seq} 0: not numbered (the file, whose lines are in order anyway). */
    private static void write(JsonGenerator g, AuditEntry e, String time, long seq) throws IOException {
        g.writeStartObject();
        if (seq > 0) g.writeNumberField("seq", seq);
        g.writeStringField("time", time);
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
        if (e.trigger() != null) {
            g.writeStringField("trigger", e.trigger());
        }
        g.writeEndObject();
    }
}
