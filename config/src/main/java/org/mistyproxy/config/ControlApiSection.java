package org.mistyproxy.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the optional {@code control_api} object. */
final class ControlApiSection {
    static final List<String> FIELDS = List.of("rate_limit");
    /** The same spelling as a policy rule's {@code rate:}: {@code 5/s}, {@code 300/min}, {@code 1000/h}. */
    private static final Pattern RATE = Pattern.compile("([1-9][0-9]{0,6})\\s*/\\s*(s|sec|second|min|minute|h|hour)");

    private final Scalars scalars;

    ControlApiSection(Scalars scalars) {
        this.scalars = scalars;
    }

    ControlApiSettings read(Node node, String path) {
        Optional<Fields> of = Fields.of(node, path, scalars, FIELDS);
        if (of.isEmpty()) {
            return ControlApiSettings.DEFAULTS;
        }
        Fields f = of.get();
        RateLimit rate = f.get("rate_limit").flatMap(n -> scalars.string(n, f.path("rate_limit")).flatMap(s -> {
            Matcher m = RATE.matcher(s.strip());
            if (!m.matches()) {
                scalars.problems().add(n.at(), f.path("rate_limit"), "must look like 5/s, 300/min or 1000/h"
                        + " (1 to 9999999 requests), got " + Node.quote(s));
                return Optional.empty();
            }
            Duration period = switch (m.group(2)) {
                case "s", "sec", "second" -> Duration.ofSeconds(1);
                case "min", "minute" -> Duration.ofMinutes(1);
                default -> Duration.ofHours(1);
            };
            return Optional.of(new RateLimit(Integer.parseInt(m.group(1)), period, m.group(1) + "/" + m.group(2)));
        })).orElse(ControlApiSettings.DEFAULTS.rateLimit());
        return new ControlApiSettings(rate);
    }
}
