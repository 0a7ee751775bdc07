package org.mistyproxy.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * An owner's policy: what a borrower may send to the robot. Built once from a file (the rrhttp
 * format plus extensions, see README.md), immutable and safe to share between threads; the only
 * state it keeps is the rate-limit buckets.
 *
 * <p>A decision has two phases so that bodies are read only when needed: {@link #check} decides
 * from the method, path, query and headers, and says whether it needs the body.
 */
public final class Policy {
    /** Names of the policies shipped with mistyproxy, usable with {@link #shipped(String)}. */
    public static final List<String> SHIPPED = List.of("allow-all", "misty-safe", "misty-readonly");

    private static final String[] OVERRIDE_HEADERS = {"x-http-method-override", "x-http-method", "x-method-override"};
    private static final String CANONICAL = "canonical form";

    private final String file;
    private final boolean defaultAllow;
    private final String defaultLabel;
    private final Rule[] rules;
    private final RuleIndex index;
    private final RateLimits rateLimits;
    private final WebSocketRules websocket;
    private final LenientJson json;

    Policy(String file, boolean defaultAllow, int defaultLine, Rule[] rules, WsConfig ws, LenientJson json,
            LongSupplier clock) {
        this.file = file;
        this.defaultAllow = defaultAllow;
        this.defaultLabel = "default, " + file + ":" + defaultLine;
        this.rules = rules;
        this.index = new RuleIndex(rules);
        long longest = 0;
        for (Rule r : rules) {
            if (r.rate != null) {
                longest = Math.max(longest, r.rate.periodNanos());
            }
        }
        this.rateLimits = longest > 0 ? new RateLimits(longest, clock) : null;
        this.websocket = new WebSocketRules(ws);
        this.json = json;
    }

    /** Reads a policy file; every problem is reported at once, each with its line. */
    public static Policy load(Path file) throws PolicyException {
        return load(file, System::nanoTime);
    }

    static Policy load(Path file, LongSupplier clock) throws PolicyException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
            throw new PolicyException(List.of(new PolicyError(name, 0, 0, "(file)", "cannot read " + file + ": "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage()))));
        }
        Path name = file.getFileName();
        return parse(text, name == null ? file.toString() : name.toString(), clock);
    }

    /** Reads a policy from text; {@code fileName} is what reasons and errors call it. */
    public static Policy parse(String yaml, String fileName) throws PolicyException {
        return parse(yaml, fileName, System::nanoTime);
    }

    static Policy parse(String yaml, String fileName, LongSupplier clock) throws PolicyException {
        return new PolicyParser(fileName, clock, new LenientJson()).parse(yaml);
    }

    /**
     * One of the policies shipped with mistyproxy ({@link #SHIPPED}), read from the classpath.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static Policy shipped(String name) {
        return shipped(name, System::nanoTime);
    }

    static Policy shipped(String name, LongSupplier clock) {
        if (!SHIPPED.contains(name)) {
            throw new IllegalArgumentException("no shipped policy named \"" + name + "\" (there are "
                    + String.join(", ", SHIPPED) + ")");
        }
        String text = shippedText(name);
        try {
            return parse(text, name + ".yaml", clock);
        } catch (PolicyException e) {
            throw new IllegalStateException("shipped policy " + name + " is broken: " + e.getMessage(), e);
        }
    }

    /** The YAML text of a shipped policy. */
    public static String shippedText(String name) {
        try (InputStream in = Policy.class.getResourceAsStream("/policies/" + name + ".yaml")) {
            if (in == null) {
                throw new IllegalStateException("shipped policy " + name + ".yaml is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file name this policy was read from, as reasons name it. */
    public String source() {
        return file;
    }

    /** The rules for {@code /pubsub} messages. */
    public WebSocketRules websocket() {
        return websocket;
    }

    /**
     * Decides what it can from the request head. {@code instanceId} keys the rate limits (each
     * borrower has their own buckets).
     */
    public RequestCheck check(RequestHead head, String instanceId) {
        String method = head.method();
        int bit = Methods.bit(method);
        if (bit == 0) {
            return refuse(403, CANONICAL, Reasons.bare(method) + " " + Reasons.bare(head.rawPath()),
                    "the method is not one the robot serves (GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS)", head);
        }
        Map<String, List<String>> headers = head.headers();
        if (!headers.isEmpty()) {
            for (String h : OVERRIDE_HEADERS) {
                if (headers.containsKey(h)) {
                    return refuse(403, CANONICAL, method + " " + Reasons.bare(head.rawPath()), "the method-override header "
                            + h + " is refused (the robot could act on a method the policy did not check)", head);
                }
            }
        }
        CanonicalPath.Result path = CanonicalPath.of(head.rawPath());
        if (path.error() != null) {
            return refuse(403, CANONICAL, method + " " + Reasons.bare(head.rawPath()), path.error(), head);
        }
        String what = method + " " + path.decoded();
        CanonicalQuery.Result query = CanonicalQuery.parse(head.rawQuery());
        if (query.error() != null) {
            return refuse(403, CANONICAL, what, query.error(), head);
        }
        Rule rule = index.find(bit, path.decoded());
        if (rule == null && !defaultAllow) {
            return decided(false, 403, "default", defaultLabel, what, "no rule matches and the default is block",
                    method, path.wire(), query, null, head);
        }
        if (rule != null && rule.block) {
            return decided(false, 403, rule.label, rule.label, what, "the rule blocks it", method, path.wire(), query,
                    null, head);
        }
        long length = head.contentLength();
        boolean hasBody = length != 0;
        List<CanonicalQuery.Param> params = query.params();
        String[] values = params.isEmpty() ? null : new String[params.size()];
        if (rule != null) {
            if (rule.hasParams != null && rule.hasParams != !params.isEmpty()) {
                return decided(false, 403, rule.label, rule.label, what, rule.hasParams
                        ? "the rule requires query parameters (has_params: true)"
                        : "the rule allows no query parameters (has_params: false)", method, path.wire(), query, null,
                        head);
            }
            if (rule.hasBody != null && rule.hasBody && !hasBody) {
                return decided(false, 403, rule.label, rule.label, what, "the rule requires a body (has_body: true)",
                        method, path.wire(), query, null, head);
            }
            if (rule.hasBody != null && !rule.hasBody && hasBody) {
                return decided(false, 403, rule.label, rule.label, what, "the rule allows no body (has_body: false)",
                        method, path.wire(), query, null, head);
            }
            for (int i = 0; i < params.size(); i++) {
                CanonicalQuery.Param p = params.get(i);
                ParamSchema s = rule.byLowerName.get(p.lower());
                if (s == null) {
                    if (rule.blockUnknown) {
                        return decided(false, 403, rule.label, rule.label, what, Reasons.bare(p.name())
                                + " is not in the rule's schema (default: block)", method, path.wire(), query, null,
                                head);
                    }
                    continue;
                }
                ParamSchema.Checked c = s.checkQuery(p.value());
                if (c.problem() != null) {
                    return decided(false, 403, rule.label, rule.label, what, c.problem(), method, path.wire(), query,
                            null, head);
                }
                if (c.queryValue() != null) {
                    values[i] = c.queryValue();
                }
            }
        }
        String wireQuery = params.isEmpty() ? "" : CanonicalQuery.wire(params, values);
        String label = rule == null ? defaultLabel : rule.label;
        String ruleName = rule == null ? "default" : rule.label;
        if (!hasBody) {
            return RequestCheck.decided(finish(rule, instanceId, what, label, ruleName,
                    new CanonicalRequest(method, path.wire(), wireQuery, Optional.empty(), false, null), params, null));
        }
        long limit = rule == null ? Rule.DEFAULT_MAX_BODY_BYTES : rule.maxBodyBytes;
        String contentType = head.header("content-type");
        if (!isJsonType(contentType)) {
            if (rule == null || !rule.rawBody) {
                return decided(false, 403, ruleName, label, what, "a body of type " + Reasons.bare(contentType)
                        + " is allowed only by a rule with raw_body: true", method, path.wire(), query, null, head);
            }
            if (length > limit) {
                return RequestCheck.decided(tooLarge(rule, what, label, ruleName, method, path.wire(), wireQuery));
            }
            if (length > 0) {
                return RequestCheck.decided(finishRaw(rule, instanceId, what, label, ruleName,
                        new CanonicalRequest(method, path.wire(), wireQuery, Optional.empty(), true, contentType)));
            }
            BodyPhase raw = new BodyPhase(this, rule, instanceId, what, label, ruleName, method, path.wire(), wireQuery,
                    params, contentType, true);
            return RequestCheck.pending(raw, limit);
        }
        if (length > limit) {
            return RequestCheck.decided(tooLarge(rule, what, label, ruleName, method, path.wire(), wireQuery));
        }
        return RequestCheck.pending(new BodyPhase(this, rule, instanceId, what, label, ruleName, method, path.wire(),
                wireQuery, params, contentType, false), limit);
    }

    /** The second phase: the body has been read. */
    private static final class BodyPhase implements RequestCheck.BodyPhase {
        private final Policy policy;
        private final Rule rule;
        private final String instanceId;
        private final String what;
        private final String label;
        private final String ruleName;
        private final String method;
        private final String path;
        private final String query;
        private final List<CanonicalQuery.Param> params;
        private final String contentType;
        private final boolean raw;

        BodyPhase(Policy policy, Rule rule, String instanceId, String what, String label, String ruleName, String method,
                String path, String query, List<CanonicalQuery.Param> params, String contentType, boolean raw) {
            this.policy = policy;
            this.rule = rule;
            this.instanceId = instanceId;
            this.what = what;
            this.label = label;
            this.ruleName = ruleName;
            this.method = method;
            this.path = path;
            this.query = query;
            this.params = params;
            this.contentType = contentType;
            this.raw = raw;
        }

        @Override
        public PolicyDecision tooLarge() {
            return policy.tooLarge(rule, what, label, ruleName, method, path, query);
        }

        @Override
        public PolicyDecision withBody(byte[] body) {
            if (raw) {
                return policy.finishRaw(rule, instanceId, what, label, ruleName,
                        new CanonicalRequest(method, path, query, Optional.of(body.clone()), false, contentType));
            }
            return policy.decideJson(rule, instanceId, what, label, ruleName, method, path, query, params, body);
        }
    }

    private PolicyDecision decideJson(Rule rule, String instanceId, String what, String label, String ruleName,
            String method, String path, String query, List<CanonicalQuery.Param> params, byte[] body) {
        LenientJson.Parsed parsed = json.parse(body);
        if (parsed.error() != null) {
            return blocked(403, ruleName, label, what, "the JSON body is refused: " + parsed.error(),
                    new CanonicalRequest(method, path, query, Optional.empty(), false, null));
        }
        if (parsed.value() == null) {
            if (rule != null && rule.hasBody != null && rule.hasBody) {
                return blocked(403, ruleName, label, what, "the rule requires a body (has_body: true)",
                        new CanonicalRequest(method, path, query, Optional.empty(), false, null));
            }
            return finish(rule, instanceId, what, label, ruleName,
                    new CanonicalRequest(method, path, query, Optional.empty(), false, null), params, null);
        }
        if (!(parsed.value() instanceof ObjectNode in)) {
            return blocked(403, ruleName, label, what, "the JSON body must be an object of named parameters",
                    new CanonicalRequest(method, path, query, Optional.empty(), false, null));
        }
        ObjectNode out = in.objectNode();
        List<String> bodyNames = new ArrayList<>(in.size());
        Iterator<Map.Entry<String, JsonNode>> it = in.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isNull()) {
                continue; // null counts as absent: clients send null for every optional parameter they leave unset
            }
            String name = e.getKey();
            String lower = name.toLowerCase(Locale.ROOT);
            for (CanonicalQuery.Param p : params) {
                if (p.lower().equals(lower)) {
                    return blocked(403, ruleName, label, what, Reasons.bare(name)
                            + " is sent both in the query and in the body",
                            new CanonicalRequest(method, path, query, Optional.empty(), false, null));
                }
            }
            if (rule != null) {
                ParamSchema s = rule.byLowerName.get(lower);
                if (s == null) {
                    if (rule.blockUnknown) {
                        return blocked(403, ruleName, label, what, Reasons.bare(name)
                                + " is not in the rule's schema (default: block)",
                                new CanonicalRequest(method, path, query, Optional.empty(), false, null));
                    }
                } else {
                    ParamSchema.Checked c = s.checkJson(v);
                    if (c.problem() != null) {
                        return blocked(403, ruleName, label, what, c.problem(),
                                new CanonicalRequest(method, path, query, Optional.empty(), false, null));
                    }
                    if (c.jsonValue() != null) {
                        v = c.jsonValue();
                    }
                }
            }
            out.set(name, v);
            bodyNames.add(lower);
        }
        CanonicalRequest canonical = new CanonicalRequest(method, path, query, Optional.of(json.writeBytes(out)), false,
                "application/json");
        return finish(rule, instanceId, what, label, ruleName, canonical, params, bodyNames);
    }

    /** Required parameters, then the rate limit, then allow. */
    private PolicyDecision finish(Rule rule, String instanceId, String what, String label, String ruleName,
            CanonicalRequest canonical, List<CanonicalQuery.Param> params, List<String> bodyNames) {
        if (rule != null) {
            for (ParamSchema s : rule.schema) {
                if (s.optional) {
                    continue;
                }
                boolean present = bodyNames != null && bodyNames.contains(s.lower);
                for (int i = 0; !present && i < params.size(); i++) {
                    present = params.get(i).lower().equals(s.lower);
                }
                if (!present) {
                    return blocked(403, ruleName, label, what, s.name + " is required", canonical);
                }
            }
        }
        return finishRaw(rule, instanceId, what, label, ruleName, canonical);
    }

    private PolicyDecision finishRaw(Rule rule, String instanceId, String what, String label, String ruleName,
            CanonicalRequest canonical) {
        if (rule != null && rule.rate != null && !rateLimits.tryTake(instanceId, rule)) {
            return blocked(429, ruleName, label, what, "more than " + rule.rate.text() + " (rate limit)", canonical);
        }
        String reason = rule == null
                ? "allowed: " + what + ": no rule matches and the default is allow (" + label + ")"
                : "allowed: " + what + " (" + label + ")";
        return new PolicyDecision(true, 200, reason, ruleName, canonical,
                rule == null ? Redaction.none() : rule.redaction);
    }

    private PolicyDecision tooLarge(Rule rule, String what, String label, String ruleName, String method, String path,
            String query) {
        long limit = rule == null ? Rule.DEFAULT_MAX_BODY_BYTES : rule.maxBodyBytes;
        return blocked(413, ruleName, label, what, "the body is larger than " + limit + " bytes"
                + (rule != null && rule.maxBodyBytes != Rule.DEFAULT_MAX_BODY_BYTES ? " (max_body_bytes)"
                        : " (the default max_body_bytes)"),
                new CanonicalRequest(method, path, query, Optional.empty(), false, null));
    }

    private static PolicyDecision blocked(int status, String ruleName, String label, String what, String why,
            CanonicalRequest canonical) {
        return new PolicyDecision(false, status, "blocked: " + what + ": " + why + " (" + label + ")", ruleName,
                canonical, Redaction.none());
    }

    private RequestCheck decided(boolean allowed, int status, String ruleName, String label, String what, String why,
            String method, String wirePath, CanonicalQuery.Result query, String contentType, RequestHead head) {
        String q = query.params().isEmpty() ? "" : CanonicalQuery.wire(query.params(), new String[query.params().size()]);
        return RequestCheck.decided(blocked(status, ruleName, label, what, why,
                new CanonicalRequest(method, wirePath, q, Optional.empty(), false, contentType)));
    }

    private static RequestCheck refuse(int status, String ruleName, String what, String why, RequestHead head) {
        String rawQuery = head.rawQuery() == null ? "" : head.rawQuery();
        return RequestCheck.decided(new PolicyDecision(false, status, "blocked: " + what + ": " + why + " ("
                + ruleName + ")", ruleName, new CanonicalRequest(head.method(), head.rawPath(), rawQuery,
                Optional.empty(), false, null), Redaction.none()));
    }

    /**
     * Bodies read as JSON: no type (the robot does not require one), JSON types, and text/plain
     * (what browsers send for a fetch without a Content-Type). Anything else is a raw upload.
     */
    static boolean isJsonType(String contentType) {
        if (contentType == null) {
            return true;
        }
        int semi = contentType.indexOf(';');
        String t = (semi >= 0 ? contentType.substring(0, semi) : contentType).trim().toLowerCase(Locale.ROOT);
        return t.isEmpty() || t.equals("application/json") || t.equals("text/json") || t.equals("text/plain")
                || (t.startsWith("application/") && t.endsWith("+json"));
    }
}
