package org.mistyproxy.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a deployment's safety fields: {@code motion_lease_ms}, {@code on_end}, {@code min_battery}
 * and the {@code health} section.
 */
final class SafetySection {
    static final List<String> FIELDS = List.of("motion_lease_ms", "on_end", "min_battery", "health");
    private static final List<String> HEALTH_FIELDS =
            List.of("interval_ms", "timeout_ms", "failures_to_lock", "auto_lock", "alert_url");
    private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE", "PATCH");
    /** A method, an absolute path of plain URL characters, and optionally a JSON object. */
    private static final Pattern COMMAND = Pattern.compile("([A-Za-z]+) +(/[A-Za-z0-9/_.~-]*)(?: +(\\{.*\\}))?\\s*", Pattern.DOTALL);
    private static final int MAX_ALERT_URL = 2048;

    private final Scalars scalars;
    private final ObjectMapper json = JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    SafetySection(Scalars scalars) {
        this.scalars = scalars;
    }

    Safety read(Fields f) {
        int lease = f.integer("motion_lease_ms", 0, 600_000, Safety.DEFAULT_MOTION_LEASE_MS);
        List<RobotCommand> onEnd = f.get("on_end").map(n -> commands(n, f.path("on_end"))).orElse(Safety.DEFAULT_ON_END);
        OptionalInt minBattery = f.get("min_battery")
                .flatMap(n -> scalars.integer(n, f.path("min_battery"), 0, 100))
                .map(OptionalInt::of).orElse(OptionalInt.empty());
        Health health = f.get("health").map(n -> health(n, f.path("health"))).orElse(Health.DEFAULT);
        return new Safety(lease, onEnd, minBattery, health);
    }

    private List<RobotCommand> commands(Node node, String path) {
        List<RobotCommand> out = new ArrayList<>();
        scalars.list(node, path).ifPresent(items -> {
            for (int i = 0; i < items.size(); i++) {
                Node item = items.get(i);
                String p = Problems.index(path, i);
                scalars.nonEmptyString(item, p).flatMap(s -> command(s, item, p)).ifPresent(out::add);
            }
        });
        return out;
    }

    private Optional<RobotCommand> command(String s, Node at, String path) {
        Matcher m = COMMAND.matcher(s.strip());
        if (!m.matches()) {
            scalars.problems().add(at.at(), path, "must be a robot command such as \"POST /api/drive/stop\" or "
                    + "'POST /api/head {\"Pitch\": 0}' (method, path, optional JSON object), got " + Node.quote(s));
            return Optional.empty();
        }
        String method = m.group(1);
        if (!METHODS.contains(method)) {
            scalars.problems().add(at.at(), path, "unknown method " + Node.quote(method)
                    + " (use GET, POST, PUT, DELETE or PATCH in upper case)");
            return Optional.empty();
        }
        String body = m.group(3);
        if (body == null) {
            return Optional.of(new RobotCommand(method, m.group(2), Optional.empty()));
        }
        try {
            JsonNode parsed = json.readTree(body);
            if (!parsed.isObject()) {
                throw new IllegalStateException();
            }
            return Optional.of(new RobotCommand(method, m.group(2), Optional.of(json.writeValueAsString(parsed))));
        } catch (JsonProcessingException | IllegalStateException e) {
            String why = e instanceof JsonProcessingException j ? ": " + j.getOriginalMessage() : "";
            scalars.problems().add(at.at(), path, "the body after the path must be one JSON object" + why);
            return Optional.empty();
        }
    }

    private Health health(Node node, String path) {
        Optional<Fields> of = Fields.of(node, path, scalars, HEALTH_FIELDS);
        if (of.isEmpty()) {
            return Health.DEFAULT;
        }
        Fields f = of.get();
        Health d = Health.DEFAULT;
        int interval = f.integer("interval_ms", 100, 86_400_000, (int) d.interval().toMillis());
        int timeout = f.integer("timeout_ms", 50, 60_000, (int) d.timeout().toMillis());
        int failures = f.integer("failures_to_lock", 1, 1000, d.failuresToLock());
        boolean autoLock = f.get("auto_lock").flatMap(n -> bool(n, f.path("auto_lock"))).orElse(d.autoLock());
        Optional<URI> alert = f.get("alert_url").flatMap(n -> scalars.nonEmptyString(n, f.path("alert_url"))
                .flatMap(s -> alertUrl(s, n, f.path("alert_url"))));
        f.get("timeout_ms").ifPresent(n -> {
            if (timeout >= interval) {
                scalars.problems().add(n.at(), f.path("timeout_ms"), "must be shorter than interval_ms (" + interval
                        + "), or probes would overlap");
            }
        });
        return new Health(Duration.ofMillis(interval), Duration.ofMillis(timeout), failures, autoLock, alert);
    }

    private Optional<Boolean> bool(Node n, String path) {
        if (n instanceof Node.Scalar s && s.kind() == Node.Scalar.Kind.BOOLEAN) {
            return Optional.of(Boolean.parseBoolean(s.text().toLowerCase(Locale.ROOT)));
        }
        return scalars.mismatch(n, path, "true or false");
    }

    private Optional<URI> alertUrl(String s, Node at, String path) {
        try {
            URI u = new URI(s);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && u.getHost() != null && u.getRawUserInfo() == null
                    && u.getRawFragment() == null && s.length() <= MAX_ALERT_URL) {
                return Optional.of(u);
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        scalars.problems().add(at.at(), path, "must be an http or https URL with a host, no user info or fragment, at most "
                + MAX_ALERT_URL + " characters, got " + Node.quote(s));
        return Optional.empty();
    }
}
