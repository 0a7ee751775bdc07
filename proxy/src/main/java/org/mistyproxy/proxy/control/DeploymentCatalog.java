package org.mistyproxy.proxy.control;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.Role;
import org.mistyproxy.config.User;
import org.mistyproxy.proxy.access.InstantiatePermission;
import org.mistyproxy.proxy.instances.DeploymentCreated;
import org.mistyproxy.proxy.instances.Instances;
import org.mistyproxy.proxy.instances.QueueLength;

/**
 * The read side of deployments in the control API, answered to anyone ({@code GET /workspaces},
 * {@code /deployments[/{type}]}, {@code /deployment/{id}}, {@code /queuelen/{id}}): what a caller
 * may see, search, sort and page. A deployment the owner marked {@code listed: false} exists only
 * for callers who may instantiate it ({@link InstantiatePermission}); for everyone else its id is
 * "deployment not found" exactly like an id that never existed. No answer here carries a robot
 * address, camera source, policy or access rule, except {@code addons_config} (the robot address,
 * as hardshare reads it) to owners.
 */
public final class DeploymentCatalog {
    private static final Set<String> LIST_PARAMS = Set.of("info", "q", "types", "maxlen", "sort_by", "page", "max_per_page");
    private static final List<String> SORTS = List.of("inc_wtype", "dec_wtype", "inc_created", "dec_created", "inc_count", "dec_count");

    private final Instances instances;
    private final InstantiatePermission permission;
    private final QueueLength queue;
    private final DeploymentCreated created;
    private final Clock clock;

    public DeploymentCatalog(Instances instances, InstantiatePermission permission, QueueLength queue, DeploymentCreated created,
            Clock clock) {
        this.instances = instances;
        this.permission = permission;
        this.queue = queue;
        this.created = created;
        this.clock = clock;
    }

    /** Whether {@code caller} (empty: anonymous) may know that {@code d} exists. */
    boolean visible(Optional<User> caller, Deployment d) {
        return d.listed() || permission.may(caller, d);
    }

    /** The deployment with that id if the caller may see it; otherwise 404 "deployment not found". */
    Deployment find(Optional<User> caller, String id) {
        return instances.deployment(id).filter(d -> visible(caller, d))
                .orElseThrow(() -> ApiError.of(404, "deployment not found"));
    }

    /**
     * Checked before {@code POST /new/{deployment id or type}} admits anything: 404 (the same
     * answer as for an unknown id or type) when no deployment the caller can see matches, so an
     * unlisted deployment is not revealed by trying to borrow it; 403 with the reason when the caller
     * can see matching deployments but may instantiate none of them.
     */
    void requireInstantiable(User caller, String deploymentOrType) {
        Optional<User> who = Optional.of(caller);
        List<Deployment> matching = new ArrayList<>();
        Optional<Deployment> byId = instances.deployment(deploymentOrType);
        if (byId.isPresent()) {
            matching.add(byId.get());
        } else {
            for (Deployment d : instances.deployments()) if (d.type().equals(deploymentOrType)) matching.add(d);
        }
        matching.removeIf(d -> !visible(who, d));
        if (matching.isEmpty()) throw ApiError.result(404, "no workspace deployment or type matches " + deploymentOrType);
        String refusal = null;
        for (Deployment d : matching) {
            InstantiatePermission.Decision decision = permission.decide(who, d);
            if (decision.allowed()) return;
            if (refusal == null) refusal = decision.reason();
        }
        throw ApiError.result(403, refusal);
    }

    /** {@code GET /workspaces}: the types of the deployments the caller can see. */
    Map<String, Object> workspaces(Optional<User> caller) {
        Set<String> types = new TreeSet<>();
        for (Deployment d : instances.deployments()) if (visible(caller, d)) types.add(d.type());
        return Map.of("workspace_types", List.copyOf(types));
    }

    /** {@code GET /deployments} ({@code pathType} null) or {@code GET /deployments/{pathType}}. */
    Map<String, Object> list(Optional<User> caller, Map<String, Deque<String>> query, String pathType) {
        Paging.onlyKnown(query, LIST_PARAMS, pathType == null ? "GET /deployments" : "GET /deployments/{type}");
        boolean info = info(Paging.single(query, "info"));
        String q = Paging.single(query, "q");
        TypeFilter types = TypeFilter.parse(Paging.single(query, "types"));
        Long maxlen = maxlen(Paging.single(query, "maxlen"));
        Comparator<Row> order = order(Paging.single(query, "sort_by"));
        Paging paging = Paging.from(query);

        List<Row> rows = new ArrayList<>();
        for (Deployment d : instances.deployments()) {
            if (!visible(caller, d)) continue;
            if (pathType != null && !d.type().equals(pathType)) continue;
            if (!types.admits(d.type())) continue;
            if (q != null && !matches(d, q)) continue;
            Row r = new Row(d, queue.of(d.id()), created.of(d.id(), clock.millis()), instances.instanceCount(d.id()));
            if (maxlen != null && r.queuelen() > maxlen) continue;
            rows.add(r);
        }
        rows.sort(order);
        Paging.Page<Row> page = paging.apply(rows);
        List<String> ids = new ArrayList<>();
        Map<String, Object> infos = new LinkedHashMap<>();
        for (Row r : page.items()) {
            String id = r.d().id().toString();
            ids.add(id);
            Map<String, Object> i = new LinkedHashMap<>();
            i.put("type", r.d().type());
            i.put("region", r.d().region());
            i.put("queuelen", r.queuelen());
            infos.put(id, i);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("workspace_deployments", ids);
        if (info) out.put("info", infos);
        out.put("page_count", page.pageCount());
        return out;
    }

    /** {@code GET /deployment/{id}}. */
    Map<String, Object> one(Optional<User> caller, String id) {
        Deployment d = find(caller, id);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", d.id().toString());
        out.put("type", d.type());
        out.put("type_version", 1);
        out.put("supported_addons", d.cameras().isEmpty() ? List.of("mistyproxy") : List.of("mistyproxy", "cam"));
        out.put("desc", d.description() == null ? "" : d.description());
        out.put("region", d.region());
        out.put("icounter", instances.instanceCount(d.id()));
        out.put("created", RerobotsTime.format(created.of(d.id(), clock.millis())));
        out.put("queuelen", queue.of(d.id()));
        // "online" means available to lend now: configured and not held by a live instance.
        out.put("online", true);
        out.put("busy", instances.busy(d.id()));
        if (caller.isPresent() && caller.get().role() == Role.OWNER) {
            // hardshare reads the robot address of the mistyproxy add-on here ({"mistyproxy": {"ip": ...}})
            out.put("addons_config", Map.of("mistyproxy", Map.of("ip", d.robot().authority())));
        }
        return out;
    }

    /** {@code GET /queuelen/{id}}. */
    Map<String, Object> queuelen(Optional<User> caller, String id) {
        return Map.of("queuelen", queue.of(find(caller, id).id()));
    }

    // ---- search

    private record Row(Deployment d, int queuelen, long created, int count) {}

    /** {@code types=a,b,!c}: the positive entries (if any) say which types are wanted, the negated ones which are not. */
    private record TypeFilter(Set<String> wanted, Set<String> unwanted) {
        static TypeFilter parse(String v) {
            Set<String> wanted = new TreeSet<>();
            Set<String> unwanted = new TreeSet<>();
            if (v != null) {
                for (String raw : v.split(",", -1)) {
                    String t = raw.trim();
                    if (t.isEmpty()) continue;
                    if (t.startsWith("!")) {
                        if (t.length() == 1) throw ApiError.of(400, "query parameter `types`: `!` must be followed by a workspace type");
                        unwanted.add(t.substring(1));
                    } else {
                        wanted.add(t);
                    }
                }
            }
            return new TypeFilter(wanted, unwanted);
        }

        boolean admits(String type) {
            return (wanted.isEmpty() || wanted.contains(type)) && !unwanted.contains(type);
        }
    }

    private static boolean info(String v) {
        if (v == null || v.equals("f") || v.equals("false")) return false;
        if (v.equals("t") || v.equals("true")) return true;
        throw ApiError.of(400, "query parameter `info` must be `t` or `f`, got `" + Paging.shorten(v) + "`");
    }

    private static Long maxlen(String v) {
        if (v == null || v.equals("u")) return null;
        return Paging.number("maxlen", v, 0);
    }

    private static Comparator<Row> order(String sortBy) {
        String s = sortBy == null ? "inc_wtype" : sortBy;
        Comparator<Row> byId = Comparator.comparing(r -> r.d().id().toString());
        Comparator<Row> byType = Comparator.<Row, String>comparing(r -> r.d().type()).thenComparing(byId);
        Comparator<Row> byCreated = Comparator.<Row>comparingLong(Row::created).thenComparing(byId);
        Comparator<Row> byCount = Comparator.<Row>comparingInt(Row::count).thenComparing(byId);
        return switch (s) {
            case "inc_wtype" -> byType;
            case "dec_wtype" -> byType.reversed();
            case "inc_created" -> byCreated;
            case "dec_created" -> byCreated.reversed();
            case "inc_count" -> byCount;
            case "dec_count" -> byCount.reversed();
            default -> throw ApiError.of(400, "query parameter `sort_by` must be one of " + String.join(", ", SORTS)
                    + ", got `" + Paging.shorten(s) + "`");
        };
    }

    private static boolean matches(Deployment d, String q) {
        String needle = q.toLowerCase(Locale.ROOT);
        for (String hay : List.of(d.id().toString(), d.type(), d.region(), d.description())) {
            if (hay != null && hay.toLowerCase(Locale.ROOT).contains(needle)) return true;
        }
        return false;
    }
}
