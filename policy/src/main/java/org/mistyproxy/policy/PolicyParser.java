package org.mistyproxy.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads a policy file (the rrhttp format plus our extensions) and reports every problem at once,
 * each with its line, instead of stopping at the first.
 */
final class PolicyParser {
    private static final List<String> TOP_ORDER = List.of("default", "rules", "websocket");
    private static final List<String> RULE_KEYS = List.of("verb", "verbs", "uri", "action", "has_body", "has_params",
            "default", "schema", "rate", "max_body_bytes", "raw_body", "redact", "lease");
    private static final List<String> PARAM_KEYS = List.of("name", "type", "range", "optional", "case_sensitive",
            "max_length", "pattern", "enum");
    private static final List<String> WS_KEYS = List.of("enabled", "operations", "allowed_types", "blocked_types",
            "min_debounce_ms", "debounce", "max_subscriptions", "max_message_bytes", "messages_per_second");
    private static final long MAX_BODY_CAP = 1L << 30;

    private final String file;
    private final LongSupplier clock;
    private final LenientJson json;
    private final List<PolicyError> errors = new ArrayList<>();

    PolicyParser(String file, LongSupplier clock, LenientJson json) {
        this.file = file;
        this.clock = clock;
        this.json = json;
    }

    Policy parse(String text) throws PolicyException {
        YamlTree tree = new YamlTree();
        YamlTree.Node root;
        try {
            root = tree.read(text);
        } catch (YamlTree.SyntaxError e) {
            throw new PolicyException(List.of(new PolicyError(file, e.line, e.column, "(file)", e.getMessage())));
        }
        for (YamlTree.Duplicate d : tree.duplicates()) {
            error(d.line(), d.column(), d.key(), "duplicate key " + d.key() + " (first at line " + d.firstLine() + ")");
        }
        if (root == null || root.isNull()) {
            error(1, 1, "(file)", "the file is empty; a policy needs at least default: allow or default: block");
            throw new PolicyException(errors);
        }
        if (!root.isMap()) {
            error(root, "(file)", "a policy is a map with default, rules and websocket, not " + root.shown());
            throw new PolicyException(errors);
        }
        unknownKeys(root, "", TOP_ORDER);
        boolean defaultAllow = false;
        int defaultLine = 1;
        YamlTree.Node def = root.map.get("default");
        if (def == null) {
            error(root, "default", "missing: say default: allow or default: block");
        } else {
            defaultLine = def.line;
            Boolean allow = allowOrBlock(def, "default");
            defaultAllow = allow != null && allow;
        }
        List<Rule> rules = new ArrayList<>();
        YamlTree.Node rulesNode = root.map.get("rules");
        if (rulesNode != null && !rulesNode.isNull()) {
            if (!rulesNode.isList()) {
                error(rulesNode, "rules", "must be a list of rules, not " + rulesNode.shown());
            } else {
                for (int i = 0; i < rulesNode.list.size(); i++) {
                    Rule r = rule(rulesNode.list.get(i), i);
                    if (r != null) {
                        rules.add(r);
                    }
                }
            }
        }
        WsConfig ws = websocket(root.map.get("websocket"), root.keyAt.containsKey("websocket")
                ? root.keyAt.get("websocket")[0] : 0, defaultAllow, defaultLine);
        if (!errors.isEmpty()) {
            errors.sort((a, b) -> a.line() != b.line() ? Integer.compare(a.line(), b.line())
                    : Integer.compare(a.column(), b.column()));
            throw new PolicyException(errors);
        }
        return new Policy(file, defaultAllow, defaultLine, rules.toArray(new Rule[0]), ws, json, clock);
    }

    private Rule rule(YamlTree.Node n, int i) {
        String path = "rules[" + i + "]";
        if (!n.isMap()) {
            error(n, path, "a rule is a map with verb and uri, not " + n.shown());
            return null;
        }
        int before = errors.size();
        unknownKeys(n, path + ".", RULE_KEYS);
        String label = "rule " + (i + 1) + ", " + file + ":" + n.line;

        int methods = 0;
        YamlTree.Node verb = n.map.get("verb");
        YamlTree.Node verbs = n.map.get("verbs");
        if (verb != null && verbs != null) {
            error(verbs, path + ".verbs", "give either verb or verbs, not both");
        } else if (verb == null && verbs == null) {
            error(n, path, "missing verb (or verbs: [...])");
        } else if (verb != null) {
            methods = method(verb, path + ".verb");
        } else if (!verbs.isList() || verbs.list.isEmpty()) {
            error(verbs, path + ".verbs", "must be a non-empty list of HTTP methods, not " + verbs.shown());
        } else {
            for (int j = 0; j < verbs.list.size(); j++) {
                methods |= method(verbs.list.get(j), path + ".verbs[" + j + "]");
            }
        }

        UriPattern uri = null;
        YamlTree.Node uriNode = n.map.get("uri");
        if (uriNode == null) {
            error(n, path, "missing uri");
        } else {
            uri = uri(uriNode, path + ".uri");
        }

        boolean block = false;
        YamlTree.Node action = n.map.get("action");
        if (action != null) {
            Boolean allow = allowOrBlock(action, path + ".action");
            block = allow != null && !allow;
        }
        Boolean hasBody = optionalBool(n.map.get("has_body"), path + ".has_body");
        Boolean hasParams = optionalBool(n.map.get("has_params"), path + ".has_params");
        boolean blockUnknown = false;
        YamlTree.Node ruleDefault = n.map.get("default");
        if (ruleDefault != null) {
            Boolean allow = allowOrBlock(ruleDefault, path + ".default");
            blockUnknown = allow != null && !allow;
        }

        List<ParamSchema> schema = new ArrayList<>();
        YamlTree.Node schemaNode = n.map.get("schema");
        if (schemaNode != null && !schemaNode.isNull()) {
            if (!schemaNode.isList()) {
                error(schemaNode, path + ".schema", "must be a list of parameters, not " + schemaNode.shown());
            } else {
                Map<String, Integer> seenAt = new HashMap<>();
                for (int j = 0; j < schemaNode.list.size(); j++) {
                    YamlTree.Node pn = schemaNode.list.get(j);
                    ParamSchema ps = param(pn, path + ".schema[" + j + "]");
                    if (ps == null) {
                        continue;
                    }
                    Integer first = seenAt.putIfAbsent(ps.lower, pn.line);
                    if (first != null) {
                        error(pn, path + ".schema[" + j + "].name", "parameter " + ps.name
                                + " is already in this schema (line " + first + "); names compare case-insensitively");
                        continue;
                    }
                    schema.add(ps);
                }
            }
        }

        Rule.Rate rate = null;
        YamlTree.Node rateNode = n.map.get("rate");
        if (rateNode != null) {
            rate = rate(rateNode, path + ".rate");
        }
        long maxBody = Rule.DEFAULT_MAX_BODY_BYTES;
        YamlTree.Node maxBodyNode = n.map.get("max_body_bytes");
        if (maxBodyNode != null) {
            Long v = wholeIn(maxBodyNode, path + ".max_body_bytes", 0, MAX_BODY_CAP, "bytes");
            if (v != null) {
                maxBody = v;
            }
        }
        Boolean raw = optionalBool(n.map.get("raw_body"), path + ".raw_body");
        List<String> redact = new ArrayList<>();
        YamlTree.Node redactNode = n.map.get("redact");
        if (redactNode != null) {
            if (!redactNode.isList() || redactNode.list.isEmpty()) {
                error(redactNode, path + ".redact", "must be a non-empty list of JSON paths such as result.password, not "
                        + redactNode.shown());
            } else {
                for (int j = 0; j < redactNode.list.size(); j++) {
                    YamlTree.Node r = redactNode.list.get(j);
                    String rp = path + ".redact[" + j + "]";
                    if (!r.isString() || r.text.isEmpty()) {
                        error(r, rp, "must be a JSON path such as result.password, not " + r.shown());
                    } else if (r.text.startsWith(".") || r.text.endsWith(".") || r.text.contains("..")) {
                        error(r, rp, "\"" + r.text + "\" has an empty segment; write keys separated by single dots");
                    } else {
                        redact.add(r.text);
                    }
                }
            }
        }
        boolean leased = false;
        YamlTree.Node leaseNode = n.map.get("lease");
        if (leaseNode != null) {
            if (leaseNode.isString() && leaseNode.text.equals("motion")) {
                leased = true;
            } else {
                error(leaseNode, path + ".lease", "must be motion (the command moves the robot until told otherwise,"
                        + " so mistyproxy stops it when the borrower goes quiet), not " + leaseNode.shown());
            }
        }
        if (block) {
            for (String k : List.of("schema", "rate", "redact", "raw_body", "max_body_bytes", "lease")) {
                if (n.map.containsKey(k)) {
                    error(n.map.get(k), path + "." + k, k + " has no effect on a rule with action: block");
                }
            }
        }
        if (errors.size() > before || uri == null) {
            return null;
        }
        return new Rule(i, label, methods, uri, block, hasBody, hasParams, blockUnknown,
                schema.toArray(new ParamSchema[0]), rate, maxBody, raw != null && raw,
                Redaction.of(redact, json.mapper()), leased);
    }

    private int method(YamlTree.Node v, String path) {
        if (!v.isString()) {
            error(v, path, "must be an HTTP method such as GET or POST, not " + v.shown());
            return 0;
        }
        int bit = Methods.bit(v.text.toUpperCase(Locale.ROOT));
        if (bit == 0) {
            error(v, path, "unknown HTTP method \"" + v.text + "\" (use GET, POST, PUT, DELETE, PATCH, HEAD or OPTIONS)");
        }
        return bit;
    }

    private UriPattern uri(YamlTree.Node v, String path) {
        if (!v.isString()) {
            error(v, path, "must be a path such as /api/drive, not " + v.shown());
            return null;
        }
        String s = v.text;
        if (!s.startsWith("/")) {
            error(v, path, "\"" + s + "\" must start with /");
            return null;
        }
        for (char c : new char[] {'?', '#', '%', ';', '\\'}) {
            if (s.indexOf(c) >= 0) {
                error(v, path, "\"" + s + "\" contains " + c + "; write the plain, decoded path without a query");
                return null;
            }
        }
        List<String> segs = new ArrayList<>();
        for (String seg : s.split("/")) {
            if (seg.isEmpty()) {
                continue;
            }
            if (seg.equals(".") || seg.equals("..")) {
                error(v, path, "\"" + s + "\" contains a " + seg + " segment; write the path it stands for");
                return null;
            }
            if (seg.contains("*") && !seg.equals("*") && !seg.equals("**")) {
                error(v, path, "\"" + s + "\": * and ** must be a whole segment, as in /api/*/list or /api/slam/**");
                return null;
            }
            segs.add(seg.toLowerCase(Locale.ROOT));
        }
        for (int i = 0; i < segs.size() - 1; i++) {
            if (segs.get(i).equals("**")) {
                error(v, path, "\"" + s + "\": ** may only be the last segment");
                return null;
            }
        }
        return UriPattern.compile("/" + String.join("/", segs));
    }

    private ParamSchema param(YamlTree.Node n, String path) {
        if (!n.isMap()) {
            error(n, path, "a schema entry is a map with name and type, not " + n.shown());
            return null;
        }
        int before = errors.size();
        unknownKeys(n, path + ".", PARAM_KEYS);
        String name = null;
        YamlTree.Node nameNode = n.map.get("name");
        if (nameNode == null) {
            error(n, path, "missing name");
        } else if (!nameNode.isString() || !Ascii.isPrintable(nameNode.text)) {
            error(nameNode, path + ".name", "must be a parameter name in printable ASCII, not " + nameNode.shown());
        } else {
            name = nameNode.text;
        }
        ParamSchema.Type type = null;
        YamlTree.Node typeNode = n.map.get("type");
        if (typeNode == null) {
            error(n, path, "missing type (bool, int, float, string, object or array)");
        } else if (!typeNode.isString()) {
            error(typeNode, path + ".type", "must be bool, int, float, string, object or array, not " + typeNode.shown());
        } else {
            switch (typeNode.text) {
                case "bool": type = ParamSchema.Type.BOOL; break;
                case "int": type = ParamSchema.Type.INT; break;
                case "float": type = ParamSchema.Type.FLOAT; break;
                case "string": type = ParamSchema.Type.STRING; break;
                case "object": type = ParamSchema.Type.OBJECT; break;
                case "array": type = ParamSchema.Type.ARRAY; break;
                default:
                    error(typeNode, path + ".type", "unknown type \"" + typeNode.text
                            + "\" (use bool, int, float, string, object or array)");
            }
        }
        Boolean optional = optionalBool(n.map.get("optional"), path + ".optional");
        optionalBool(n.map.get("case_sensitive"), path + ".case_sensitive");

        Double min = null;
        Double max = null;
        String rangeText = null;
        YamlTree.Node range = n.map.get("range");
        if (range != null && type != null) {
            if (type != ParamSchema.Type.INT && type != ParamSchema.Type.FLOAT) {
                error(range, path + ".range", "only int and float parameters have a range");
            } else if (!range.isList() || range.list.size() != 2) {
                error(range, path + ".range", "must be [low, high], not " + range.shown());
            } else {
                YamlTree.Node lo = range.list.get(0);
                YamlTree.Node hi = range.list.get(1);
                min = bound(lo, type, path + ".range[0]");
                max = bound(hi, type, path + ".range[1]");
                if (min != null && max != null && min > max) {
                    error(range, path + ".range", "the low end " + lo.text + " is above the high end " + hi.text);
                }
                rangeText = "[" + (lo.isNull() ? "-inf" : lo.text) + ", " + (hi.isNull() ? "inf" : hi.text) + "]";
            }
        }
        int maxLength = -1;
        Pattern pattern = null;
        YamlTree.Node ml = n.map.get("max_length");
        if (ml != null && type != null) {
            if (type != ParamSchema.Type.STRING) {
                error(ml, path + ".max_length", "only string parameters have a max_length");
            } else {
                Long v = wholeIn(ml, path + ".max_length", 0, Integer.MAX_VALUE, "characters");
                if (v != null) {
                    maxLength = v.intValue();
                }
            }
        }
        YamlTree.Node pat = n.map.get("pattern");
        if (pat != null && type != null) {
            if (type != ParamSchema.Type.STRING) {
                error(pat, path + ".pattern", "only string parameters have a pattern");
            } else if (!pat.isString()) {
                error(pat, path + ".pattern", "must be a regular expression in quotes, not " + pat.shown());
            } else {
                try {
                    pattern = Pattern.compile(pat.text);
                } catch (PatternSyntaxException e) {
                    error(pat, path + ".pattern", "not a valid regular expression: " + e.getDescription()
                            + " near index " + e.getIndex());
                }
            }
        }
        Set<String> enumValues = null;
        List<String> enumShown = null;
        YamlTree.Node en = n.map.get("enum");
        if (en != null && type != null) {
            if (type == ParamSchema.Type.OBJECT || type == ParamSchema.Type.ARRAY) {
                error(en, path + ".enum", "object and array parameters have no enum");
            } else if (!en.isList() || en.list.isEmpty()) {
                error(en, path + ".enum", "must be a non-empty list of values, not " + en.shown());
            } else {
                enumValues = new LinkedHashSet<>();
                enumShown = new ArrayList<>();
                for (int j = 0; j < en.list.size(); j++) {
                    YamlTree.Node e = en.list.get(j);
                    String canon = enumValue(e, type, path + ".enum[" + j + "]");
                    if (canon != null) {
                        enumValues.add(canon);
                        enumShown.add(e.text);
                    }
                }
            }
        }
        if (errors.size() > before || name == null || type == null) {
            return null;
        }
        return new ParamSchema(name, type, optional != null && optional, min, max, rangeText, maxLength, pattern,
                enumValues == null ? null : Set.copyOf(enumValues), enumShown);
    }

    private Double bound(YamlTree.Node b, ParamSchema.Type type, String path) {
        if (b.isNull()) {
            return null;
        }
        if (type == ParamSchema.Type.INT) {
            if (!b.isInteger()) {
                error(b, path, "an int range needs whole numbers, not " + b.shown());
                return null;
            }
            try {
                return (double) Long.parseLong(b.text);
            } catch (NumberFormatException e) {
                error(b, path, b.text + " is outside the 64-bit range");
                return null;
            }
        }
        if (!b.isNumber()) {
            error(b, path, "must be a number, not " + b.shown());
            return null;
        }
        double d = Double.parseDouble(b.text);
        if (!Double.isFinite(d)) {
            error(b, path, b.text + " is outside the range of a double");
            return null;
        }
        return d;
    }

    private String enumValue(YamlTree.Node e, ParamSchema.Type type, String path) {
        switch (type) {
            case STRING:
                if (!e.isString()) {
                    error(e, path, "a string enum needs strings; quote " + e.text);
                    return null;
                }
                return e.text;
            case BOOL:
                if (!e.isBoolean()) {
                    error(e, path, "a bool enum needs true or false, not " + e.shown());
                    return null;
                }
                return e.text.toLowerCase(Locale.ROOT);
            case INT:
                if (!e.isInteger()) {
                    error(e, path, "an int enum needs whole numbers, not " + e.shown());
                    return null;
                }
                try {
                    return Long.toString(Long.parseLong(e.text));
                } catch (NumberFormatException ex) {
                    error(e, path, e.text + " is outside the 64-bit range");
                    return null;
                }
            default:
                if (!e.isNumber()) {
                    error(e, path, "a float enum needs numbers, not " + e.shown());
                    return null;
                }
                return LenientJson.plain(Double.parseDouble(e.text));
        }
    }

    private Rule.Rate rate(YamlTree.Node v, String path) {
        String s = v.isString() ? v.text.trim() : null;
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
        error(v, path, "must look like 5/s, 30/min or 100/h, not " + v.shown());
        return null;
    }

    private WsConfig websocket(YamlTree.Node n, int keyLine, boolean defaultAllow, int defaultLine) {
        Set<String> ops = new LinkedHashSet<>(List.of("subscribe", "unsubscribe"));
        if (n == null || n.isNull()) {
            String label = "websocket: the default, " + file + ":" + defaultLine;
            return new WsConfig(defaultAllow,
                    "the policy has no websocket: section and its default is block, so /pubsub is refused", ops,
                    null, Set.of(), Map.of(), 0, true, 20, 64 * 1024, 20, label, clock, json);
        }
        String path = "websocket";
        if (!n.isMap()) {
            error(n, path, "must be a map of websocket rules, not " + n.shown());
            return null;
        }
        unknownKeys(n, path + ".", WS_KEYS);
        String label = "websocket, " + file + ":" + keyLine;
        Boolean enabled = optionalBool(n.map.get("enabled"), path + ".enabled");
        YamlTree.Node opsNode = n.map.get("operations");
        if (opsNode != null) {
            ops.clear();
            List<String> given = strings(opsNode, path + ".operations");
            for (int j = 0; given != null && j < given.size(); j++) {
                String op = given.get(j).toLowerCase(Locale.ROOT);
                if (!op.equals("subscribe") && !op.equals("unsubscribe")) {
                    error(opsNode.list.get(j), path + ".operations[" + j + "]",
                            "unknown Operation \"" + given.get(j) + "\" (the robot knows subscribe and unsubscribe)");
                }
                ops.add(op);
            }
        }
        Map<String, String> spelling = new HashMap<>();
        Set<String> allowed = null;
        YamlTree.Node allowedNode = n.map.get("allowed_types");
        if (allowedNode != null) {
            List<String> given = strings(allowedNode, path + ".allowed_types");
            if (given != null) {
                allowed = new LinkedHashSet<>();
                for (String t : given) {
                    allowed.add(t.toLowerCase(Locale.ROOT));
                    spelling.put(t.toLowerCase(Locale.ROOT), t);
                }
            }
        }
        Set<String> blocked = new LinkedHashSet<>();
        YamlTree.Node blockedNode = n.map.get("blocked_types");
        if (blockedNode != null) {
            List<String> given = strings(blockedNode, path + ".blocked_types");
            if (given != null) {
                for (String t : given) {
                    blocked.add(t.toLowerCase(Locale.ROOT));
                }
            }
        }
        long minDebounce = 0;
        YamlTree.Node md = n.map.get("min_debounce_ms");
        if (md != null) {
            Long v = wholeIn(md, path + ".min_debounce_ms", 0, 3_600_000, "milliseconds");
            minDebounce = v == null ? 0 : v;
        }
        boolean clamp = true;
        YamlTree.Node deb = n.map.get("debounce");
        if (deb != null) {
            if (deb.isString() && (deb.text.equals("clamp") || deb.text.equals("refuse"))) {
                clamp = deb.text.equals("clamp");
            } else {
                error(deb, path + ".debounce", "must be clamp or refuse, not " + deb.shown());
            }
        }
        int maxSubs = 20;
        YamlTree.Node ms = n.map.get("max_subscriptions");
        if (ms != null) {
            Long v = wholeIn(ms, path + ".max_subscriptions", 0, 10_000, "subscriptions");
            maxSubs = v == null ? maxSubs : v.intValue();
        }
        int maxBytes = 64 * 1024;
        YamlTree.Node mb = n.map.get("max_message_bytes");
        if (mb != null) {
            Long v = wholeIn(mb, path + ".max_message_bytes", 64, 16 * 1024 * 1024, "bytes");
            maxBytes = v == null ? maxBytes : v.intValue();
        }
        double perSecond = 20;
        YamlTree.Node mps = n.map.get("messages_per_second");
        if (mps != null) {
            if (!mps.isNumber() || Double.parseDouble(mps.text) <= 0 || Double.parseDouble(mps.text) > 1e6) {
                error(mps, path + ".messages_per_second", "must be a number above 0 (at most 1000000), not "
                        + mps.shown());
            } else {
                perSecond = Double.parseDouble(mps.text);
            }
        }
        boolean on = enabled == null || enabled;
        return new WsConfig(on, "the policy's websocket section says enabled: false, so /pubsub is refused", ops,
                allowed == null ? null : Set.copyOf(allowed), Set.copyOf(blocked), Map.copyOf(spelling), minDebounce,
                clamp, maxSubs, maxBytes, perSecond, label, clock, json);
    }

    private List<String> strings(YamlTree.Node n, String path) {
        if (!n.isList()) {
            error(n, path, "must be a list of names, not " + n.shown());
            return null;
        }
        List<String> out = new ArrayList<>();
        for (int j = 0; j < n.list.size(); j++) {
            YamlTree.Node e = n.list.get(j);
            if (!e.isString() || e.text.isEmpty()) {
                error(e, path + "[" + j + "]", "must be a name, not " + e.shown());
            } else {
                out.add(e.text);
            }
        }
        return out;
    }

    private Boolean allowOrBlock(YamlTree.Node v, String path) {
        if (v.isString() && v.text.equals("allow")) {
            return true;
        }
        if (v.isString() && v.text.equals("block")) {
            return false;
        }
        error(v, path, "must be allow or block, not " + v.shown());
        return null;
    }

    private Boolean optionalBool(YamlTree.Node v, String path) {
        if (v == null) {
            return null;
        }
        if (!v.isBoolean()) {
            error(v, path, "must be true or false, not " + v.shown());
            return null;
        }
        return v.scalar == com.fasterxml.jackson.core.JsonToken.VALUE_TRUE;
    }

    private Long wholeIn(YamlTree.Node v, String path, long min, long max, String unit) {
        if (v.isInteger()) {
            try {
                long l = Long.parseLong(v.text);
                if (l >= min && l <= max) {
                    return l;
                }
            } catch (NumberFormatException e) {
                // falls through to the message below
            }
        }
        error(v, path, "must be a whole number of " + unit + " from " + min + " to " + max + ", not " + v.shown());
        return null;
    }

    private void unknownKeys(YamlTree.Node n, String prefix, List<String> known) {
        for (Map.Entry<String, int[]> e : n.keyAt.entrySet()) {
            if (!known.contains(e.getKey())) {
                error(e.getValue()[0], e.getValue()[1], prefix + e.getKey(),
                        "unknown key (expected one of " + String.join(", ", known) + ")");
            }
        }
    }

    private void error(YamlTree.Node at, String path, String problem) {
        error(at.line, at.column, path, problem);
    }

    private void error(int line, int column, String path, String problem) {
        errors.add(new PolicyError(file, line, column, path, problem));
    }

}
