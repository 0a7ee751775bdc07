package org.mistyproxy.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/** Reads one entry of the {@code deployments} list, cameras included. */
final class DeploymentSection {
    static final List<String> FIELDS =
            List.of("id", "type", "region", "description", "robot", "policy", "cors_origins", "cameras",
                    "camera_feeds_per_instance", "access_rules", "listed");
    static final String DEFAULT_TYPE = "misty2";
    static final List<String> DEFAULT_CORS_ORIGINS = List.of("*");
    /** {@link UUID#fromString} accepts short groups such as {@code 1-2-3-4-5}; ids must be canonical. */
    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern TYPE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private final Scalars scalars;
    private final CameraSection cameras;
    private final AccessRuleSection accessRules;
    private final Set<String> userNames;

    DeploymentSection(Scalars scalars, Set<String> userNames) {
        this.scalars = scalars;
        this.cameras = new CameraSection(scalars);
        this.accessRules = new AccessRuleSection(scalars, scalars.problems().file());
        this.userNames = Set.copyOf(userNames);
    }

    Optional<Deployment> read(Node node, String path, Uniqueness ids, SharedSources sources, int feedsMax) {
        Optional<Fields> of = Fields.of(node, path, scalars, FIELDS);
        if (of.isEmpty()) {
            return Optional.empty();
        }
        Fields f = of.get();
        Problems problems = scalars.problems();

        Optional<UUID> id = f.required("id").flatMap(n -> scalars.nonEmptyString(n, f.path("id")).flatMap(s -> {
            if (!UUID_TEXT.matcher(s).matches()) {
                problems.add(n.at(), f.path("id"),
                        "must be a UUID such as 3f2a9c4e-7b1d-4e8a-9f6c-2d5b8e1a0c7f, got " + Node.quote(s));
                return Optional.empty();
            }
            UUID u = UUID.fromString(s);
            ids.claim(u.toString(), u.toString(), n.at(), f.path("id"), path);
            return Optional.of(u);
        }));

        String type = f.get("type").flatMap(n -> scalars.string(n, f.path("type")).filter(s -> {
            boolean ok = TYPE.matcher(s).matches();
            if (!ok) {
                problems.add(n.at(), f.path("type"), "must be a workspace type name such as "
                        + Node.quote(DEFAULT_TYPE) + " (letters, digits, _ . -), got " + Node.quote(s));
            }
            return ok;
        })).orElse(DEFAULT_TYPE);
        String region = f.string("region").orElse("");
        String description = f.string("description").orElse("");

        Optional<RobotAddress> robot = f.required("robot").flatMap(n -> scalars.nonEmptyString(n, f.path("robot"))
                .flatMap(s -> {
                    Optional<RobotAddress> a = HostPort.parse(s);
                    if (a.isEmpty()) {
                        problems.add(n.at(), f.path("robot"), "must be host:port, such as 192.168.1.42:80 or [fd00::2]:80"
                                + " (no scheme, no path), got " + Node.quote(s));
                    }
                    return a;
                }));

        Optional<Path> policy = f.get("policy").flatMap(n -> scalars.existingFile(n, f.path("policy")));
        List<String> cors = f.get("cors_origins").map(n -> corsOrigins(n, f.path("cors_origins")))
                .orElse(DEFAULT_CORS_ORIGINS);

        boolean listed = f.get("listed").flatMap(n -> scalars.bool(n, f.path("listed"))).orElse(true);

        List<Camera> cams = new ArrayList<>();
        f.get("cameras").flatMap(n -> scalars.list(n, f.path("cameras"))).ifPresent(items -> {
            Uniqueness cameraIds = new Uniqueness(problems, "camera id");
            for (int i = 0; i < items.size(); i++) {
                String p = Problems.index(f.path("cameras"), i);
                Node item = items.get(i);
                cameras.read(item, p, i, cameraIds).ifPresent(c -> {
                    cams.add(c);
                    sources.add(c, item.at(), p);
                });
            }
        });

        List<AccessRule> rules = f.get("access_rules").map(n -> accessRules.read(n, f.path("access_rules"), userNames))
                .orElse(List.of());
        int feeds = feedsPerInstance(f, feedsMax);

        if (id.isEmpty() || robot.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Deployment(id.get(), type, region, description, robot.get(), policy, cors, cams, feeds, rules, listed));
    }

    /**
     * At most half of the server's {@code camera_feeds_max}, so that one instance can never take
     * every feed of the server; the default is lowered to that bound when the server's is small.
     */
    private int feedsPerInstance(Fields f, int feedsMax) {
        int bound = feedsMax / 2;
        String key = "camera_feeds_per_instance";
        return f.get(key).flatMap(n -> scalars.integer(n, f.path(key), 1, Integer.MAX_VALUE).filter(v -> {
            if (v > bound) {
                scalars.problems().add(n.at(), f.path(key), "must be at most half of camera_feeds_max (" + feedsMax
                        + "), so that one instance cannot take every feed of the server: at most " + bound + ", got " + v);
                return false;
            }
            return true;
        })).orElse(Math.min(Deployment.DEFAULT_CAMERA_FEEDS_PER_INSTANCE, bound));
    }

    /** {@code ["*"]}, or origins such as {@code https://app.example.org} (scheme, host, optional port). */
    private List<String> corsOrigins(Node node, String path) {
        List<String> origins = new ArrayList<>();
        scalars.list(node, path).ifPresent(items -> {
            for (int i = 0; i < items.size(); i++) {
                Node item = items.get(i);
                String p = Problems.index(path, i);
                scalars.nonEmptyString(item, p).ifPresent(s -> {
                    if (s.equals("*") && items.size() > 1) {
                        scalars.problems().add(item.at(), p, "\"*\" allows every origin, so it must be the only entry");
                    } else if (s.equals("*") || Origin.parse(s).isPresent()) {
                        origins.add(s);
                    } else {
                        scalars.problems().add(item.at(), p, "must be \"*\" or an origin such as "
                                + "https://app.example.org (scheme, host, optional port; no path), got " + Node.quote(s));
                    }
                });
            }
        });
        return origins;
    }
}
