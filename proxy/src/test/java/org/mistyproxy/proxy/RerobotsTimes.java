package org.mistyproxy.proxy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/** Reads timestamps in the rerobots form ({@code 2019-07-28 23:26:16.983048}, UTC) back, for assertions. */
final class RerobotsTimes {
    static final Pattern FORM = Pattern.compile("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{6}");
    private static final DateTimeFormatter PARSER = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

    private RerobotsTimes() {}

    static Instant parse(String text) {
        if (!FORM.matcher(text).matches()) throw new AssertionError("not in the rerobots form: " + text);
        return PARSER.parse(text, Instant::from);
    }
}
