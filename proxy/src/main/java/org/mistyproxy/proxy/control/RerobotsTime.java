package org.mistyproxy.proxy.control;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The one formatter of timestamps in control-API answers: UTC in the rerobots form
 * {@code 2019-07-28 23:26:16.983048} (space, no zone, six fractional digits), which the rerobots
 * service sends and its clients print. Everything the API answers with a time ({@code created},
 * {@code starttime}, {@code endtime}, {@code expires}, reservation {@code created}) goes through
 * here so that no two fields drift apart.
 */
public final class RerobotsTime {
    private static final DateTimeFormatter FORM =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

    private RerobotsTime() {}

    /** {@code millis} since the epoch in the rerobots form (the last three digits are zero: we keep milliseconds). */
    public static String format(long millis) {
        return FORM.format(Instant.ofEpochMilli(millis));
    }

    /** Parses the rerobots form back (for tests and for clients of this code); UTC. */
    public static Instant parse(String text) {
        return FORM.parse(text, Instant::from);
    }
}
