package org.mistyproxy.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.mistyproxy.config.ConfigError;
import org.mistyproxy.config.Problems;

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
    private static final int GET = Methods.bit("GET");
    private static final int HEAD = Methods.bit("HEAD");

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
            throw new PolicyException(List.of(new ConfigError(name, 0, 0, Problems.TOP_LEVEL, "cannot read " + file + ": "
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

    /** A one-line summary, e.g. {@code 94 rules (4 leased), default block, /pubsub open}. */
    public String summary() {
        int leased = 0;
        for (Rule r : rules) {
            if (r.leased) {
                leased++;
            }
        }
        return rules.length + (rules.length == 1 ? " rule" : " rules") + (leased > 0 ? " (" + leased + " leased)" : "")
                + ", default " + (defaultAllow ? "allow" : "block") + ", /pubsub " + (websocket.enabled() ? "open" : "refused");
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
            return refuse(Reasons.bare(method) + " " + Reasons.path(head.rawPath()),
                    "the method is not one the robot serves (GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS)", head);
        }
        Map<String, List<String>> headers = head.headers();
        if (!headers.isEmpty()) {
            List<String> types = headers.get("content-type");
            if (types != null && types.size() > 1) {
                return refuse(method + " " + Reasons.path(head.rawPath()),
                        "more than one Content-Type header is refused", head);
            }
            String encoding = BodyType.encoding(headers.get("content-encoding"));
            if (encoding != null && head.contentLength() != 0) {
                // The policy reads bodies as sent; an encoded one it would have to decode, and the
                // robot's API decodes none, so nothing legitimate is lost.
                return refuse(method + " " + Reasons.path(head.rawPath()), "a body with Content-Encoding: "
                        + Reasons.bare(encoding) + " is refused (the robot's API takes only unencoded bodies)", head);
            }
            for (String h : OVERRIDE_HEADERS) {
                if (headers.containsKey(h)) {
                    return refuse(method + " " + Reasons.path(head.rawPath()), "the method-override header " + h
                            + " is refused (the robot could act on a method the policy did not check)", head);
                }
            }
        }
        CanonicalPath.Result path = CanonicalPath.of(head.rawPath());
        if (path.error() != null) {
            return refuse(method + " " + Reasons.path(head.rawPath()), path.error(), head);
        }
        CanonicalQuery.Result query = CanonicalQuery.parse(head.rawQuery());
        if (query.error() != null) {
            return refuse(method + " " + path.decoded(), query.error(), head);
        }
        // HEAD is GET without the response body, and a server may run the GET handler for it, so
        // rules for GET also decide HEAD.
        Rule rule = index.find(bit == HEAD ? bit | GET : bit, path.decoded());
        Decider d = new Decider(this, rule, instanceId, method, bit, path, query);
        if (rule == null && !defaultAllow) {
            return RequestCheck.decided(d.blocked(403, "no rule matches and the default is block"));
        }
        if (rule != null && rule.block) {
            return RequestCheck.decided(d.blocked(403, "the rule blocks it"));
        }
        long length = head.contentLength();
        boolean hasBody = length != 0;
        List<CanonicalQuery.Param> params = query.params();
        if (rule != null) {
            if (rule.hasParams != null && rule.hasParams != !params.isEmpty()) {
                return RequestCheck.decided(d.blocked(403, rule.hasParams
                        ? "the rule requires query parameters (has_params: true)"
                        : "the rule allows no query parameters (has_params: false)"));
            }
            if (rule.hasBody != null && rule.hasBody && !hasBody) {
                return RequestCheck.decided(d.blocked(403, "the rule requires a body (has_body: true)"));
            }
            if (rule.hasBody != null && !rule.hasBody && hasBody) {
                return RequestCheck.decided(d.blocked(403, "the rule allows no body (has_body: false)"));
            }
            for (int i = 0; i < params.size(); i++) {
                CanonicalQuery.Param p = params.get(i);
                int at = rule.find(p.name());
                if (at < 0) {
                    if (rule.blockUnknown) {
                        return RequestCheck.decided(d.blocked(403, Reasons.bare(p.name())
                                + " is not in the rule's schema (default: block)"));
                    }
                    continue;
                }
                ParamSchema.Checked c = rule.schema[at].checkQuery(p.value());
                if (c.problem() != null) {
                    return RequestCheck.decided(d.blocked(403, c.problem()));
                }
                d.present(at);
                if (c.queryValue() != null) {
                    d.rewriteQueryValue(i, c.queryValue());
                }
            }
        }
        if (!hasBody) {
            return RequestCheck.decided(d.finish(Optional.empty(), false, null));
        }
        long limit = rule == null ? Rule.DEFAULT_MAX_BODY_BYTES : rule.maxBodyBytes;
        String contentType = head.header("content-type");
        if (!BodyType.isJson(contentType) && !BodyType.isUpload(contentType, rule, length)) {
            // Browser apps post JSON text under other types (jQuery's default is a form type), and
            // the robot reads it as JSON: the body itself decides whether it is JSON (withBody).
            if (length > limit) {
                return RequestCheck.decided(d.tooLarge());
            }
            d.candidate(contentType);
            return RequestCheck.pending(d, limit);
        }
        if (!BodyType.isJson(contentType)) {
            if (rule == null || !rule.rawBody) {
                return RequestCheck.decided(d.blocked(403, "a body of type " + Reasons.bare(contentType)
                        + " is allowed only by a rule with raw_body: true"));
            }
            if (length > limit) {
                return RequestCheck.decided(d.tooLarge());
            }
            d.raw(contentType);
            if (length > 0) {
                // Required parameters may travel inside the upload, where the policy cannot see them.
                return RequestCheck.decided(d.allow(Optional.empty(), true, contentType));
            }
            return RequestCheck.pending(d, limit);
        }
        if (length > limit) {
            return RequestCheck.decided(d.tooLarge());
        }
        return RequestCheck.pending(d, limit);
    }

    /**
     * The decision for one request once its head is canonical and its rule found; it is also the
     * second phase when the body must be read. Reasons are built only when needed.
     */
    private static final class Decider implements RequestCheck.BodyPhase {
        private final Policy policy;
        private final Rule rule;
        private final String instanceId;
        private final String method;
        private final int methodBit;
        private final CanonicalPath.Result path;
        private final List<CanonicalQuery.Param> params;
        private final String canonicalRawQuery;
        private String[] queryValues;
        private boolean[] present;
        private String rawContentType;
        /** The type of a body that is JSON if it parses as JSON, and a raw upload otherwise. */
        private String candidateType;

        Decider(Policy policy, Rule rule, String instanceId, String method, int methodBit, CanonicalPath.Result path,
                CanonicalQuery.Result query) {
            this.policy = policy;
            this.rule = rule;
            this.instanceId = instanceId;
            this.method = method;
            this.methodBit = methodBit;
            this.path = path;
            this.params = query.params();
            this.canonicalRawQuery = query.canonicalRaw();
        }

        void present(int schemaIndex) {
            if (present == null) {
                present = new boolean[rule.schema.length];
            }
            present[schemaIndex] = true;
        }

        void rewriteQueryValue(int i, String value) {
            if (queryValues == null) {
                queryValues = new String[params.size()];
            }
            queryValues[i] = value;
        }

        void raw(String contentType) {
            this.rawContentType = contentType;
        }

        void candidate(String contentType) {
            this.candidateType = contentType;
        }

        private String label() {
            return rule == null ? policy.defaultLabel : rule.label;
        }

        private String ruleName() {
            return rule == null ? "default" : rule.label;
        }

        private CanonicalRequest canonical(Optional<byte[]> body, boolean stream, String contentType) {
            String q;
            if (params.isEmpty()) {
                q = "";
            } else if (queryValues == null && canonicalRawQuery != null) {
                q = canonicalRawQuery;
            } else {
                q = CanonicalQuery.wire(params, queryValues == null ? new String[params.size()] : queryValues);
            }
            return new CanonicalRequest(method, path.wire(), q, body, stream, contentType);
        }

        PolicyDecision blocked(int status, String why) {
            return new PolicyDecision(false, status, "blocked: " + method + " " + path.decoded() + ": " + why + " ("
                    + label() + ")", ruleName(), canonical(Optional.empty(), false, null), Redaction.none());
        }

        @Override
        public PolicyDecision tooLarge() {
            long limit = rule == null ? Rule.DEFAULT_MAX_BODY_BYTES : rule.maxBodyBytes;
            return blocked(413, "the body is larger than " + limit + " bytes"
                    + (rule != null && rule.maxBodyBytes != Rule.DEFAULT_MAX_BODY_BYTES ? " (max_body_bytes)"
                            : " (the default max_body_bytes)"));
        }

        @Override
        public PolicyDecision withBody(byte[] body) {
            if (rawContentType != null) {
                return allow(Optional.of(body.clone()), false, rawContentType);
            }
            LenientJson.Parsed parsed = policy.json.parse(body);
            // Text that starts like JSON is JSON to the robot: if it is refused as JSON (a duplicate
            // key, say), it must not slip through as a raw upload.
            if (parsed.error() != null && candidateType != null && !BodyType.startsLikeJson(body)) {
                if (rule != null && rule.rawBody) {
                    return allow(Optional.of(body.clone()), false, candidateType);
                }
                return blocked(403, "a body of type " + Reasons.bare(BodyType.essence(candidateType))
                        + " that is not JSON is allowed only by a rule with raw_body: true");
            }
            if (parsed.error() != null) {
                return blocked(403, "the JSON body is refused: " + parsed.error());
            }
            if (parsed.value() == null) {
                if (rule != null && rule.hasBody != null && rule.hasBody) {
                    return blocked(403, "the rule requires a body (has_body: true)");
                }
                return finish(Optional.empty(), false, null);
            }
            if (!(parsed.value() instanceof ObjectNode in)) {
                return blocked(403, "the JSON body must be an object of named parameters");
            }
            // The parsed object becomes the canonical one in place: nulls removed, values rewritten.
            Iterator<Map.Entry<String, JsonNode>> it = in.properties().iterator();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = e.getValue();
                if (v.isNull()) {
                    it.remove(); // null counts as absent: clients send null for every optional parameter left unset
                    continue;
                }
                String name = e.getKey();
                if (!Ascii.isPrintable(name)) {
                    return blocked(403, "parameter name " + Reasons.quote(name)
                            + " is refused: names must be printable ASCII");
                }
                for (int i = 0; i < params.size(); i++) {
                    if (Ascii.equalsIgnoreCase(params.get(i).name(), name)) {
                        return blocked(403, Reasons.bare(name) + " is sent both in the query and in the body");
                    }
                }
                if (rule == null) {
                    continue;
                }
                int at = rule.find(name);
                if (at < 0) {
                    if (rule.blockUnknown) {
                        return blocked(403, Reasons.bare(name) + " is not in the rule's schema (default: block)");
                    }
                    continue;
                }
                ParamSchema.Checked c = rule.schema[at].checkJson(v);
                if (c.problem() != null) {
                    return blocked(403, c.problem());
                }
                present(at);
                if (c.jsonValue() != null) {
                    e.setValue(c.jsonValue());
                }
            }
            return finish(Optional.of(policy.json.writeBytes(in)), false, "application/json");
        }

        /** Required parameters, then the rate limit, then allow. */
        PolicyDecision finish(Optional<byte[]> body, boolean stream, String contentType) {
            if (rule != null) {
                ParamSchema[] schema = rule.schema;
                for (int i = 0; i < schema.length; i++) {
                    if (!schema[i].optional && (present == null || !present[i])) {
                        return blocked(403, schema[i].name + " is required");
                    }
                }
            }
            return allow(body, stream, contentType);
        }

        PolicyDecision allow(Optional<byte[]> body, boolean stream, String contentType) {
            if (rule != null && rule.rate != null && !policy.rateLimits.tryTake(instanceId, rule)) {
                return blocked(429, "more than " + rule.rate.text() + " (rate limit)");
            }
            String reason;
            if (rule == null) {
                reason = "allowed: " + method + " " + path.decoded() + ": no rule matches and the default is allow ("
                        + policy.defaultLabel + ")";
            } else {
                reason = rule.allowedReason(methodBit, method, path.decoded());
            }
            return new PolicyDecision(true, 200, reason, ruleName(), canonical(body, stream, contentType),
                    rule == null ? Redaction.none() : rule.redaction, rule != null && rule.leased);
        }
    }

    private static RequestCheck refuse(String what, String why, RequestHead head) {
        String rawQuery = head.rawQuery() == null ? "" : head.rawQuery();
        return RequestCheck.decided(new PolicyDecision(false, 403, "blocked: " + what + ": " + why + " ("
                + CANONICAL + ")", CANONICAL, new CanonicalRequest(head.method(), head.rawPath(), rawQuery,
                Optional.empty(), false, null), Redaction.none()));
    }
}
