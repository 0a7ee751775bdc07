package org.mistyproxy.proxy.control;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.Role;
import org.mistyproxy.config.User;
import org.mistyproxy.proxy.audit.AuditTrail;
import org.mistyproxy.proxy.front.WholeBody;
import org.mistyproxy.proxy.gate.ControlEnvelope;
import org.mistyproxy.proxy.store.ChangeNotStored;
import org.mistyproxy.proxy.instances.InstanceException;
import org.mistyproxy.proxy.instances.InstanceRecord;
import org.mistyproxy.proxy.instances.Instances;
import org.mistyproxy.proxy.safety.HealthMonitor;

/**
 * The rerobots-compatible control API ({@code /workspaces}, {@code /deployments}, {@code /queuelen},
 * {@code /new}, {@code /instances}, {@code /instance}, {@code /terminate}, {@code /addon/mistyproxy},
 * {@code /addon/cam}, {@code /revoke}, {@code /purge}). The caller is already authenticated
 * ({@code front.ControlRoute}), or anonymous on the reads of the deployment catalogue
 * ({@link #answersAnonymously}, {@link DeploymentCatalog}); refusals of the instance registry
 * ({@link InstanceException}) become HTTP answers here ({@link ApiError#of(InstanceException)}).
 * Runs on a worker thread; every answer is JSON.
 */
public final class ControlApi {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ControlApi.class);
    private static final int MAX_BODY = 64 * 1024;
    /** The longest loan {@code expire_d} may ask for; beyond it the number is a mistake or an attack. */
    static final long MAX_EXPIRE_SECONDS = 365L * 24 * 3600;
    /** First path segments of the calls that answer without a token. */
    private static final Set<String> ANONYMOUS_READS = Set.of("workspaces", "deployments", "deployment", "queuelen");
    private static final Set<String> INSTANCES_PARAMS = Set.of("include_terminated", "sort_by", "page", "max_per_page");
    private static final Set<String> NEW_FIELDS = Set.of("reserve", "expire_d", "eurl", "sshkey", "vpn");

    private final Instances instances;
    private final AuditTrail audit;
    private final PublicUrlsHolder urls;
    private final DeploymentCatalog catalog;
    private final TokenRevocation revocation;
    private final WholeBody body;
    private final DeploymentHalt halt;
    private final HealthMonitor health;
    private final GovernanceApi governance;
    private static final ObjectMapper json = JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

    /** The public URLs are known only once the listener is bound (port 0 in tests). */
    public interface PublicUrlsHolder {
        PublicUrls get();
    }

    public ControlApi(Instances instances, AuditTrail audit, PublicUrlsHolder urls, DeploymentCatalog catalog,
            TokenRevocation revocation, GovernanceApi governance, DeploymentHalt halt, HealthMonitor health) {
        this(instances, audit, urls, catalog, revocation, governance, halt, health, java.time.Duration.ofSeconds(10));
    }

    /** @param bodyDeadline how long a request body may take to arrive before the client gets 408 */
    public ControlApi(Instances instances, AuditTrail audit, PublicUrlsHolder urls, DeploymentCatalog catalog,
            TokenRevocation revocation, GovernanceApi governance, DeploymentHalt halt, HealthMonitor health,
            java.time.Duration bodyDeadline) {
        this.governance = governance;
        this.halt = halt;
        this.health = health;
        this.instances = instances;
        this.audit = audit;
        this.urls = urls;
        this.catalog = catalog;
        this.revocation = revocation;
        this.body = new WholeBody(MAX_BODY, bodyDeadline);
    }

    /** How request bodies are read before {@link #handle} runs: bounded, non-blocking, with a deadline. */
    public WholeBody body() {
        return body;
    }

    /**
     * Whether a request without any {@code Authorization} header may reach this API: the reads of
     * the deployment catalogue answer anyone, as on the rerobots service. (A header that is sent
     * must hold a valid token, whatever the path.)
     */
    public static boolean answersAnonymously(List<String> seg) {
        return ANONYMOUS_READS.contains(seg.get(0));
    }

    /**
     * Answers one control request of {@code caller} (empty: anonymous, only for
     * {@link #answersAnonymously} paths); {@code seg} are the raw path segments. Blocking; call on a
     * worker.
     */
    public void handle(HttpServerExchange ex, List<String> seg, Optional<User> caller) throws IOException {
        try {
            send(ex, 200, route(ex, seg, caller));
        } catch (InstanceException e) {
            refuse(ex, ApiError.of(e));
        } catch (ApiError e) {
            refuse(ex, e);
        } catch (ChangeNotStored e) {
            // The change did not happen (memory and journal unchanged); the cause and path are in the server log.
            ControlEnvelope.send(ex, 503, e.publicMessage());
        } catch (RuntimeException e) {
            // Details (class names, paths) stay in the server log; the client learns only that it failed.
            LOG.error("event=control_error method={} route={} error=\"{}\"", ex.getRequestMethod(), seg.get(0), e.toString(), e);
            ControlEnvelope.send(ex, 500, "internal error; the server log has the details");
        }
    }

    private static void refuse(HttpServerExchange ex, ApiError e) {
        ControlEnvelope.send(ex, e.status(), e.getMessage(), e.withResult());
    }

    private Object route(HttpServerExchange ex, List<String> seg, Optional<User> caller) throws IOException {
        String m = ex.getRequestMethod().toString();
        int n = seg.size();
        String a = seg.get(0);
        if (a.equals("workspaces") && n == 1) return get(m, () -> catalog.workspaces(caller));
        if (a.equals("deployments") && n == 1) return get(m, () -> catalog.list(caller, ex.getQueryParameters(), null));
        if (a.equals("deployments") && n == 2 && !seg.get(1).isEmpty()) {
            return get(m, () -> catalog.list(caller, ex.getQueryParameters(), seg.get(1)));
        }
        if (a.equals("deployment") && n == 2) {
            return get(m, () -> {
                Map<String, Object> out = catalog.one(caller, seg.get(1));
                Deployment d = catalog.find(caller, seg.get(1));
                // lock-out (to everyone, anonymous callers included, as the contract shows), access
                // rules and the lock's reason (owners)
                governance.describe(out, d, caller);
                // "online": the robot answered its last health probe (safety.HealthMonitor).
                out.put("online", health.online(d.id()));
                if (caller.isPresent() && caller.get().role() == Role.OWNER) {
                    health.status(d.id()).ifPresent(st -> out.put("health", HealthView.of(d, st, health.lastFailedAction(d.id()))));
                }
                return out;
            });
        }
        if (a.equals("queuelen") && n == 2) return get(m, () -> catalog.queuelen(caller, seg.get(1)));
        if (GovernanceApi.answers(seg)) {
            return governance.route(ex, m, seg, caller.orElseThrow(() -> ApiError.of(401, "wrong authorization token")));
        }
        if (a.equals("deployment") && n == 3 && seg.get(2).equals("halt")) {
            method(m, "POST");
            return halt.halt(caller.orElseThrow(() -> ApiError.of(401, "wrong authorization token")), seg.get(1));
        }
        if (ANONYMOUS_READS.contains(a)) throw ApiError.of(404, "no control API route " + m + " " + String.join("/", seg));
        User user = caller.orElseThrow(() -> ApiError.of(401, "wrong authorization token"));
        if (a.equals("revoke") && n == 2) {
            method(m, "POST");
            return revocation.revoke(user, seg.get(1));
        }
        if (a.equals("purge") && n == 1) {
            method(m, "POST");
            return revocation.purge(user);
        }
        if (a.equals("new") && n == 2) {
            method(m, "POST");
            return create(ex, user, seg.get(1));
        }
        if (a.equals("instances") && n == 1) return get(m, () -> instancesList(ex, user));
        if (a.equals("instance") && n == 2) return get(m, () -> instanceInfo(instances.get(user, seg.get(1))));
        if (a.equals("terminate") && n == 2) {
            method(m, "POST");
            instances.terminate(user, seg.get(1));
            return Map.of("success", true);
        }
        if (a.equals("addon") && n >= 3 && seg.get(1).equals("mistyproxy")) return mistyproxy(ex, m, seg, user);
        if (a.equals("addon") && n == 3 && seg.get(1).equals("cam")) return cam(m, seg.get(2), user);
        throw ApiError.of(404, "no control API route " + m + " " + String.join("/", seg));
    }

    // ---- instances

    private Object create(HttpServerExchange ex, User user, String target) throws IOException {
        JsonNode body = readJsonBody(ex);
        Long expire = null;
        String eurl = null;
        boolean reserve = false;
        if (body != null) {
            if (!body.isObject()) throw ApiError.result(400, "request body must be a JSON object");
            for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!NEW_FIELDS.contains(f)) {
                    throw ApiError.result(400, "unknown field `" + f + "` in request body; allowed: reserve, expire_d, eurl, sshkey, vpn");
                }
            }
            JsonNode e = body.get("expire_d");
            if (e != null && !e.isNull()) {
                if (!e.isNumber() || !e.canConvertToExactIntegral() || e.decimalValue().signum() <= 0) {
                    throw ApiError.result(400, "expire_d must be a positive whole number of seconds, got " + e);
                }
                // Compared as a decimal: asLong() wraps past 64 bits, and now + 2^63-1 ms overflows into the past.
                if (e.decimalValue().compareTo(java.math.BigDecimal.valueOf(MAX_EXPIRE_SECONDS)) > 0) {
                    throw ApiError.result(400, "expire_d must be at most " + MAX_EXPIRE_SECONDS
                            + " seconds (one year), got " + e);
                }
                expire = e.longValue();
            }
            JsonNode u = body.get("eurl");
            if (u != null && !u.isNull()) {
                if (!u.isTextual()) throw ApiError.result(400, "eurl must be a string, got " + u);
                eurl = u.asText();
                String problem = governance.eurlProblem(eurl);
                if (problem != null) throw ApiError.result(400, problem);
            }
            reserve = body.path("reserve").asBoolean(false);
            for (String f : List.of("reserve", "vpn")) {
                JsonNode b = body.get(f);
                if (b != null && !b.isNull() && !b.isBoolean()) throw ApiError.result(400, f + " must be true or false, got " + b);
            }
            JsonNode k = body.get("sshkey");
            if (k != null && !k.isNull() && !k.isTextual()) throw ApiError.result(400, "sshkey must be a string, got " + k);
        }
        catalog.requireInstantiable(user, target);
        Instances.Created c = instances.create(user, target, expire, eurl, reserve);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("success", c.instance()); // false: busy, and `id` is the reservation's (the rerobots client's reading)
        out.put("id", c.id());
        return out;
    }

    private Object instancesList(HttpServerExchange ex, User user) {
        Map<String, Deque<String>> query = ex.getQueryParameters();
        Paging.onlyKnown(query, INSTANCES_PARAMS, "GET /instances");
        boolean all = query.containsKey("include_terminated");
        List<InstanceRecord> list = instances.visible(user, all); // oldest first
        String sortBy = Paging.single(query, "sort_by");
        if ("dec_created".equals(sortBy)) {
            list = new ArrayList<>(list);
            java.util.Collections.reverse(list);
        } else if (sortBy != null && !sortBy.equals("inc_created")) {
            throw ApiError.of(400, "query parameter `sort_by` must be inc_created or dec_created, got `" + Paging.shorten(sortBy) + "`");
        }
        Paging.Page<InstanceRecord> p = Paging.from(query).apply(list);
        List<String> ids = new ArrayList<>();
        for (InstanceRecord r : p.items()) ids.add(r.id());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("workspace_instances", ids);
        out.put("page_count", p.pageCount());
        return out;
    }

    private Object instanceInfo(InstanceRecord r) {
        Deployment d = instances.deployment(r.deployment().toString()).orElse(null);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", r.id());
        out.put("deployment", r.deployment().toString());
        out.put("type", d == null ? null : d.type());
        out.put("region", d == null ? null : d.region());
        out.put("status", r.status());
        out.put("starttime", RerobotsTime.format(r.startMillis()));
        if (r.endMillis() != null) out.put("endtime", RerobotsTime.format(r.endMillis()));
        if (r.expiresAt() != null) out.put("expires", RerobotsTime.format(r.expiresAt()));
        if (r.reason() != null) out.put("reason", r.reason());
        if (r.reservation() != null) out.put("reservation", r.reservation());
        out.put("user", r.user());
        return out;
    }

    // ---- add-ons

    private Object mistyproxy(HttpServerExchange ex, String m, List<String> seg, User user) {
        String iid = seg.get(2);
        if (seg.size() == 4 && seg.get(3).equals("log")) {
            method(m, "GET");
            instances.get(user, iid);
            Long limit = Paging.number(ex.getQueryParameters(), "limit", 1);
            Long after = Paging.number(ex.getQueryParameters(), "after", 0);
            return new RawJson(audit.recentJson(iid, limit == null ? 100 : (int) Math.min(limit, 1000),
                    after == null ? 0 : (int) Math.min(after, Integer.MAX_VALUE)));
        }
        if (seg.size() != 3) throw ApiError.of(404, "no control API route " + m + " " + String.join("/", seg));
        switch (m) {
            case "POST" -> {
                String t = instances.addOns().activateProxy(user, iid);
                return proxyStatus(iid, t);
            }
            case "GET" -> {
                return proxyStatus(iid, instances.addOns().proxyToken(user, iid));
            }
            case "DELETE" -> {
                instances.addOns().deactivateProxy(user, iid);
                return Map.of("success", true);
            }
            default -> throw ApiError.of(405, "method " + m + " not allowed here; use POST, GET or DELETE");
        }
    }

    private Object proxyStatus(String iid, String token) {
        PublicUrls u = urls.get();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", "active");
        out.put("url", List.of(u.shortProxyUrl(token), u.longProxyUrl(iid, token)));
        return out;
    }

    private Object cam(String m, String iid, User user) {
        switch (m) {
            case "POST" -> {
                return camStatus(user, iid, instances.addOns().activateCam(user, iid));
            }
            case "GET" -> {
                return camStatus(user, iid, instances.addOns().camTokens(user, iid));
            }
            case "DELETE" -> {
                instances.addOns().deactivateCam(user, iid);
                return Map.of("success", true);
            }
            default -> throw ApiError.of(405, "method " + m + " not allowed here; use POST, GET or DELETE");
        }
    }

    /** Cameras in configuration order; {@code index} and {@code name} (= {@code id}) both work in URLs. */
    private Object camStatus(User user, String iid, Map<String, String> tokens) {
        PublicUrls u = urls.get();
        List<Object> cams = new ArrayList<>();
        Deployment d = instances.deployment(instances.get(user, iid).deployment().toString()).orElseThrow();
        for (int i = 0; i < d.cameras().size(); i++) {
            String id = d.cameras().get(i).id();
            String token = tokens.get(id);
            if (token == null) {
                continue; // the configuration changed since activation; the camera has no token
            }
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("index", i);
            c.put("name", id);
            c.put("id", id);
            c.put("img", u.base() + "/addon/cam/" + iid + "/" + id + "/img");
            c.put("feed_token", token);
            c.put("feed_url", u.feedUrl(iid, id, token));
            c.put("mjpeg_url", u.mjpegUrl(iid, id, token));
            cams.add(c);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", "active");
        out.put("cameras", cams);
        return out;
    }

    // ---- plumbing

    /** A body already serialised by someone else (the audit log). */
    record RawJson(byte[] bytes) {}

    private interface Body {
        Object get() throws IOException;
    }

    private static Object get(String m, Body b) throws IOException {
        method(m, "GET");
        return b.get();
    }

    private static void method(String m, String wanted) {
        if (!m.equals(wanted)) throw ApiError.of(405, "method " + m + " not allowed here; use " + wanted);
    }

    /** The request body as JSON, null when empty; 400/413 with what is wrong otherwise. */
    static JsonNode readJsonBody(HttpServerExchange ex) throws IOException {
        byte[] b = ex.getAttachment(WholeBody.BYTES); // read without blocking before dispatch (ControlEndpoint)
        if (b == null) throw new IllegalStateException("the control API's body was not read before dispatch");
        if (b.length > MAX_BODY) throw ApiError.result(413, "request body is larger than " + MAX_BODY + " bytes");
        if (new String(b, java.nio.charset.StandardCharsets.UTF_8).isBlank()) return null;
        try {
            return json.readTree(b);
        } catch (JsonProcessingException e) {
            throw ApiError.result(400, "request body is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
    }

    static String param(HttpServerExchange ex, String name) {
        return Paging.single(ex.getQueryParameters(), name);
    }

    private void send(HttpServerExchange ex, int status, Object body) throws JsonProcessingException {
        byte[] bytes = body instanceof RawJson r ? r.bytes() : json.writeValueAsBytes(body);
        ex.setStatusCode(status);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        ex.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        ex.getResponseSender().send(java.nio.ByteBuffer.wrap(bytes));
    }
}
