package org.mistyproxy.sim;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The robot's timestamp form: ISO-8601 UTC with seven fractional digits. */
final class Timestamps {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'").withZone(ZoneOffset.UTC);

    private Timestamps() {}

    static String now() {
        return FORMAT.format(Instant.now());
    }

    static String in(long millis) {
        return FORMAT.format(Instant.now().plusMillis(millis));
    }
}
