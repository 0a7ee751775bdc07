package org.mistyproxy.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

/** Reads the top-level object of a configuration file into a {@link MistyProxyConfig}. */
final class ConfigDocument {
    static final List<String> FIELDS = List.of("listen", "public_base_url", "tls", "data_dir", "users", "deployments",
            "camera_feeds_max", "logs", "retention_days", "control_api");
    /** Below 2, no instance could have a feed under the half-the-server rule. */
    static final int MIN_CAMERA_FEEDS = 2;
    static final int MAX_CAMERA_FEEDS = 100_000;
    static final String DEFAULT_DATA_DIR = "./data";

    private final Scalars scalars;
    private final Path baseDir;

    ConfigDocument(Scalars scalars, Path baseDir) {
        this.scalars = scalars;
        this.baseDir = baseDir;
    }

    /** The configuration; only meaningful when no problem was reported. */
    Optional<MistyProxyConfig> read(Node root, Path source) {
        Optional<Fields> of = Fields.of(root, "", scalars, FIELDS);
        if (of.isEmpty()) {
            return Optional.empty();
        }
        Fields f = of.get();
        Problems problems = scalars.problems();
        ServerSection server = new ServerSection(scalars);

        Listen listen = f.get("listen").map(n -> server.listen(n, "listen")).orElse(ServerSection.DEFAULT_LISTEN);
        Optional<URI> publicBaseUrl = f.get("public_base_url").flatMap(n -> server.publicBaseUrl(n, "public_base_url"));
        Optional<Tls> tls = f.get("tls").flatMap(n -> server.tls(n, "tls"));
        Path dataDir = f.get("data_dir").flatMap(n -> scalars.path(n, "data_dir"))
                .orElse(baseDir.resolve(DEFAULT_DATA_DIR).normalize());

        List<User> users = new ArrayList<>();
        Uniqueness names = new Uniqueness(problems, "user name");
        Uniqueness tokens = new Uniqueness(problems, "token_sha256 (every user needs their own token)");
        UserSection userSection = new UserSection(scalars);
        nonEmptyList(f, "users").forEach((p, n) -> userSection.read(n, p, names, tokens).ifPresent(users::add));

        int feedsMax = f.integer("camera_feeds_max", MIN_CAMERA_FEEDS, MAX_CAMERA_FEEDS,
                MistyProxyConfig.DEFAULT_CAMERA_FEEDS_MAX);

        List<Deployment> deployments = new ArrayList<>();
        Uniqueness ids = new Uniqueness(problems, "deployment id");
        SharedSources sources = new SharedSources(problems);
        DeploymentSection deploymentSection = new DeploymentSection(scalars, users.stream().map(User::name).collect(java.util.stream.Collectors.toSet()));
        nonEmptyList(f, "deployments").forEach((p, n) -> deploymentSection.read(n, p, ids, sources, feedsMax)
                .ifPresent(deployments::add));

        LimitsSection limits = new LimitsSection(scalars);
        Logs logs = f.get("logs").map(n -> limits.logs(n, "logs", dataDir)).orElse(Logs.in(dataDir));
        int retentionDays = f.get("retention_days").map(n -> limits.retentionDays(n, "retention_days"))
                .orElse(LimitsSection.DEFAULT_RETENTION_DAYS);
        ControlApiSettings controlApi = f.get("control_api")
                .map(n -> new ControlApiSection(scalars).read(n, "control_api")).orElse(ControlApiSettings.DEFAULTS);
        return Optional.of(new MistyProxyConfig(source, listen, publicBaseUrl, tls, dataDir, users, deployments,
                feedsMax, logs, retentionDays, controlApi));
    }

    /** A required list that must have at least one item, as (path, item) pairs in order. */
    private LinkedHashMap<String, Node> nonEmptyList(Fields f, String key) {
        LinkedHashMap<String, Node> out = new LinkedHashMap<>();
        f.required(key).flatMap(n -> scalars.list(n, key).map(items -> {
            if (items.isEmpty()) {
                scalars.problems().add(n.at(), key, "must have at least one entry");
            }
            return items;
        })).ifPresent(items -> {
            for (int i = 0; i < items.size(); i++) {
                out.put(Problems.index(key, i), items.get(i));
            }
        });
        return out;
    }
}
