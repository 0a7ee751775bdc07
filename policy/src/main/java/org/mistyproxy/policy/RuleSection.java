package org.mistyproxy.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads one entry of a policy's {@code rules:} into a {@link Rule}, reporting every problem in it. */
final class RuleSection {
    private static final List<String> RULE_KEYS = List.of("verb", "verbs", "uri", "action", "has_body", "has_params",
            "default", "schema", "rate", "max_body_bytes", "raw_body", "redact", "lease");
    private static final long MAX_BODY_CAP = 1L << 30;

    private final PolicyFile file;
    private final SchemaSection schemas;
    private final LenientJson json;

    RuleSection(PolicyFile file, SchemaSection schemas, LenientJson json) {
        this.file = file;
        this.schemas = schemas;
        this.json = json;
    }

    /** The rule, or null when it has problems (all reported). */
    Rule rule(Value n, int i) {
        String path = "rules[" + i + "]";
        if (!n.isMap()) {
            file.error(n, path, "a rule is a map with verb and uri, not " + n.shown());
            return null;
        }
        int before = file.errorCount();
        file.unknownKeys(n, path + ".", RULE_KEYS);
        String label = "rule " + (i + 1) + ", " + file.name + ":" + n.line();
        int methods = methods(n, path);

        UriPattern uri = null;
        Value uriNode = n.get("uri");
        if (uriNode == null) {
            file.error(n, path, "missing uri");
        } else {
            uri = uri(uriNode, path + ".uri");
        }

        boolean block = false;
        Value action = n.get("action");
        if (action != null) {
            Boolean allow = file.allowOrBlock(action, path + ".action");
            block = allow != null && !allow;
        }
        Boolean hasBody = file.optionalBool(n.get("has_body"), path + ".has_body");
        Boolean hasParams = file.optionalBool(n.get("has_params"), path + ".has_params");
        boolean blockUnknown = false;
        Value ruleDefault = n.get("default");
        if (ruleDefault != null) {
            Boolean allow = file.allowOrBlock(ruleDefault, path + ".default");
            blockUnknown = allow != null && !allow;
        }
        List<ParamSchema> schema = schema(n.get("schema"), path + ".schema");
        Rule.Rate rate = null;
        Value rateNode = n.get("rate");
        if (rateNode != null) {
            rate = rate(rateNode, path + ".rate");
        }
        long maxBody = Rule.DEFAULT_MAX_BODY_BYTES;
        Value maxBodyNode = n.get("max_body_bytes");
        if (maxBodyNode != null) {
            Long v = file.wholeIn(maxBodyNode, path + ".max_body_bytes", 0, MAX_BODY_CAP, "bytes");
            if (v != null) {
                maxBody = v;
            }
        }
        Boolean raw = file.optionalBool(n.get("raw_body"), path + ".raw_body");
        List<String> redact = redact(n.get("redact"), path + ".redact");
        boolean leased = false;
        Value leaseNode = n.get("lease");
        if (leaseNode != null) {
            if (leaseNode.isString() && leaseNode.text().equals("motion")) {
                leased = true;
            } else {
                file.error(leaseNode, path + ".lease", "must be motion (the command moves the robot until told otherwise,"
                        + " so mistyproxy stops it when the borrower goes quiet), not " + leaseNode.shown());
            }
        }
        if (block) {
            for (String k : List.of("schema", "rate", "redact", "raw_body", "max_body_bytes", "lease")) {
                if (n.has(k)) {
                    file.error(n.get(k), path + "." + k, k + " has no effect on a rule with action: block");
                }
            }
        }
        if (file.errorCount() > before || uri == null) {
            return null;
        }
        return new Rule(i, label, methods, uri, block, hasBody, hasParams, blockUnknown,
                schema.toArray(new ParamSchema[0]), rate, maxBody, raw != null && raw,
                Redaction.of(redact, json.mapper()), leased);
    }

    private int methods(Value n, String path) {
        Value verb = n.get("verb");
        Value verbs = n.get("verbs");
        if (verb != null && verbs != null) {
            file.error(verbs, path + ".verbs", "give either verb or verbs, not both");
        } else if (verb == null && verbs == null) {
            file.error(n, path, "missing verb (or verbs: [...])");
        } else if (verb != null) {
            return method(verb, path + ".verb");
        } else if (!verbs.isList() || verbs.list().isEmpty()) {
            file.error(verbs, path + ".verbs", "must be a non-empty list of HTTP methods, not " + verbs.shown());
        } else {
            int methods = 0;
            List<Value> items = verbs.list();
            for (int j = 0; j < items.size(); j++) {
                methods |= method(items.get(j), path + ".verbs[" + j + "]");
            }
            return methods;
        }
        return 0;
    }

    private int method(Value v, String path) {
        if (!v.isString()) {
            file.error(v, path, "must be an HTTP method such as GET or POST, not " + v.shown());
            return 0;
        }
        int bit = Methods.bit(v.text().toUpperCase(Locale.ROOT));
        if (bit == 0) {
            file.error(v, path, "unknown HTTP method \"" + v.text()
                    + "\" (use GET, POST, PUT, DELETE, PATCH, HEAD or OPTIONS)");
        }
        return bit;
    }

    private UriPattern uri(Value v, String path) {
        if (!v.isString()) {
            file.error(v, path, "must be a path such as /api/drive, not " + v.shown());
            return null;
        }
        String s = v.text();
        if (!s.startsWith("/")) {
            file.error(v, path, "\"" + s + "\" must start with /");
            return null;
        }
        for (char c : new char[] {'?', '#', '%', ';', '\\'}) {
            if (s.indexOf(c) >= 0) {
                file.error(v, path, "\"" + s + "\" contains " + c + "; write the plain, decoded path without a query");
                return null;
            }
        }
        List<String> segs = new ArrayList<>();
        for (String seg : s.split("/")) {
            if (seg.isEmpty()) {
                continue;
            }
            if (seg.equals(".") || seg.equals("..")) {
                file.error(v, path, "\"" + s + "\" contains a " + seg + " segment; write the path it stands for");
                return null;
            }
            if (seg.contains("*") && !seg.equals("*") && !seg.equals("**")) {
                file.error(v, path, "\"" + s + "\": * and ** must be a whole segment, as in /api/*/list or /api/slam/**");
                return null;
            }
            segs.add(seg.toLowerCase(Locale.ROOT));
        }
        for (int i = 0; i < segs.size() - 1; i++) {
            if (segs.get(i).equals("**")) {
                file.error(v, path, "\"" + s + "\": ** may only be the last segment");
                return null;
            }
        }
        return UriPattern.compile("/" + String.join("/", segs));
    }

    private List<ParamSchema> schema(Value schemaNode, String path) {
        List<ParamSchema> schema = new ArrayList<>();
        if (schemaNode == null || schemaNode.isNull()) {
            return schema;
        }
        if (!schemaNode.isList()) {
            file.error(schemaNode, path, "must be a list of parameters, not " + schemaNode.shown());
            return schema;
        }
        Map<String, Integer> seenAt = new HashMap<>();
        List<Value> items = schemaNode.list();
        for (int j = 0; j < items.size(); j++) {
            Value pn = items.get(j);
            ParamSchema ps = schemas.param(pn, path + "[" + j + "]");
            if (ps == null) {
                continue;
            }
            Integer first = seenAt.putIfAbsent(ps.lower, pn.line());
            if (first != null) {
                file.error(pn, path + "[" + j + "].name", "parameter " + ps.name
                        + " is already in this schema (line " + first + "); names compare case-insensitively");
                continue;
            }
            schema.add(ps);
        }
        return schema;
    }

    private Rule.Rate rate(Value v, String path) {
        String s = v.isString() ? v.text().trim() : null;
        int slash = s == null ? -1 : s.indexOf('/');
        if (slash > 0) {
            String count = s.substring(0, slash).trim();
            String unit = s.substring(slash + 1).trim();
            long period;
            switch (unit) {
                case "s": case "sec": case "second": period = 1_000_000_000L; break;
                case "min": case "minute": period = 60_000_000_000L; break;
                case "h": case "hour": period = 3_600_000_000_000L; break;
                default: period = 0;
            }
            if (period > 0 && count.matches("[1-9][0-9]{0,8}")) {
                return new Rule.Rate(Long.parseLong(count), period, count + "/" + unit);
            }
        }
        file.error(v, path, "must look like 5/s, 30/min or 100/h, not " + v.shown());
        return null;
    }

    private List<String> redact(Value redactNode, String path) {
        List<String> redact = new ArrayList<>();
        if (redactNode == null) {
            return redact;
        }
        if (!redactNode.isList() || redactNode.list().isEmpty()) {
            file.error(redactNode, path, "must be a non-empty list of JSON paths such as result.password, not "
                    + redactNode.shown());
            return redact;
        }
        List<Value> items = redactNode.list();
        for (int j = 0; j < items.size(); j++) {
            Value r = items.get(j);
            String rp = path + "[" + j + "]";
            if (!r.isString() || r.text().isEmpty()) {
                file.error(r, rp, "must be a JSON path such as result.password, not " + r.shown());
            } else if (r.text().startsWith(".") || r.text().endsWith(".") || r.text().contains("..")) {
                file.error(r, rp, "\"" + r.text() + "\" has an empty segment; write keys separated by single dots");
            } else {
                redact.add(r.text());
            }
        }
        return redact;
    }
}
