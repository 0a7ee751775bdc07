package org.mistyproxy.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Reads the bounds of the server: {@code logs}, {@code retention_days} and a deployment's {@code quotas}. */
final class LimitsSection {
    static final List<String> LOGS_FIELDS = List.of("dir", "max_file_mb", "keep_days", "total_mb");
    static final List<String> QUOTA_FIELDS = List.of("connections", "in_flight", "requests_per_second", "burst",
            "pubsub_sockets", "subscriptions", "ws_messages_per_second");
    static final int DEFAULT_RETENTION_DAYS = MistyProxyConfig.DEFAULT_RETENTION_DAYS;

    private final Scalars scalars;

    LimitsSection(Scalars scalars) {
        this.scalars = scalars;
    }

    Logs logs(Node node, String path, Path dataDir) {
        Optional<Fields> of = Fields.of(node, path, scalars, LOGS_FIELDS);
        if (of.isEmpty()) {
            return Logs.in(dataDir);
        }
        Fields f = of.get();
        Path dir = f.get("dir").flatMap(n -> scalars.path(n, f.path("dir"))).orElse(dataDir);
        int maxFile = f.integer("max_file_mb", 1, 10_240, Logs.DEFAULT_MAX_FILE_MB);
        int keep = f.integer("keep_days", 1, 3650, Logs.DEFAULT_KEEP_DAYS);
        int total = f.integer("total_mb", 1, 1_048_576, Logs.DEFAULT_TOTAL_MB);
        return new Logs(dir, maxFile, keep, total);
    }

    int retentionDays(Node node, String path) {
        return scalars.integer(node, path, 1, 3650).orElse(DEFAULT_RETENTION_DAYS);
    }

    Quotas quotas(Node node, String path) {
        Optional<Fields> of = Fields.of(node, path, scalars, QUOTA_FIELDS);
        if (of.isEmpty()) {
            return Quotas.DEFAULTS;
        }
        Fields f = of.get();
        Quotas d = Quotas.DEFAULTS;
        return new Quotas(
                f.integer("connections", 1, 100_000, d.connections()),
                f.integer("in_flight", 1, 100_000, d.inFlight()),
                f.integer("requests_per_second", 1, 100_000, d.requestsPerSecond()),
                f.integer("burst", 1, 100_000, d.burst()),
                f.integer("pubsub_sockets", 1, 10_000, d.pubsubSockets()),
                f.integer("subscriptions", 1, 100_000, d.subscriptions()),
                f.integer("ws_messages_per_second", 1, 100_000, d.wsMessagesPerSecond()));
    }
}
