package org.mistyproxy.policy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Reads one entry of a rule's {@code schema:} (a parameter: name, type and constraints) into a {@link ParamSchema}. */
final class SchemaSection {
    private static final List<String> PARAM_KEYS = List.of("name", "type", "range", "optional", "case_sensitive",
            "max_length", "pattern", "enum");

    private final PolicyFile file;

    SchemaSection(PolicyFile file) {
        this.file = file;
    }

    /** The parameter, or null when it has problems (all reported). */
    ParamSchema param(Value n, String path) {
        if (!n.isMap()) {
            file.error(n, path, "a schema entry is a map with name and type, not " + n.shown());
            return null;
        }
        int before = file.errorCount();
        file.unknownKeys(n, path + ".", PARAM_KEYS);
        String name = null;
        Value nameNode = n.get("name");
        if (nameNode == null) {
            file.error(n, path, "missing name");
        } else if (!nameNode.isString() || !Ascii.isPrintable(nameNode.text())) {
            file.error(nameNode, path + ".name", "must be a parameter name in printable ASCII, not " + nameNode.shown());
        } else {
            name = nameNode.text();
        }
        ParamSchema.Type type = type(n, path);
        Boolean optional = file.optionalBool(n.get("optional"), path + ".optional");
        file.optionalBool(n.get("case_sensitive"), path + ".case_sensitive");

        Double min = null;
        Double max = null;
        String rangeText = null;
        Value range = n.get("range");
        if (range != null && type != null) {
            if (type != ParamSchema.Type.INT && type != ParamSchema.Type.FLOAT) {
                file.error(range, path + ".range", "only int and float parameters have a range");
            } else if (!range.isList() || range.list().size() != 2) {
                file.error(range, path + ".range", "must be [low, high], not " + range.shown());
            } else {
                Value lo = range.list().get(0);
                Value hi = range.list().get(1);
                min = bound(lo, type, path + ".range[0]");
                max = bound(hi, type, path + ".range[1]");
                if (min != null && max != null && min > max) {
                    file.error(range, path + ".range", "the low end " + lo.text() + " is above the high end " + hi.text());
                }
                rangeText = "[" + (lo.isNull() ? "-inf" : lo.text()) + ", " + (hi.isNull() ? "inf" : hi.text()) + "]";
            }
        }
        int maxLength = -1;
        Value ml = n.get("max_length");
        if (ml != null && type != null) {
            if (type != ParamSchema.Type.STRING) {
                file.error(ml, path + ".max_length", "only string parameters have a max_length");
            } else {
                Long v = file.wholeIn(ml, path + ".max_length", 0, Integer.MAX_VALUE, "characters");
                if (v != null) {
                    maxLength = v.intValue();
                }
            }
        }
        Pattern pattern = pattern(n.get("pattern"), type, path + ".pattern");
        Set<String> enumValues = null;
        List<String> enumShown = null;
        Value en = n.get("enum");
        if (en != null && type != null) {
            if (type == ParamSchema.Type.OBJECT || type == ParamSchema.Type.ARRAY) {
                file.error(en, path + ".enum", "object and array parameters have no enum");
            } else if (!en.isList() || en.list().isEmpty()) {
                file.error(en, path + ".enum", "must be a non-empty list of values, not " + en.shown());
            } else {
                enumValues = new LinkedHashSet<>();
                enumShown = new ArrayList<>();
                List<Value> items = en.list();
                for (int j = 0; j < items.size(); j++) {
                    Value e = items.get(j);
                    String canon = enumValue(e, type, path + ".enum[" + j + "]");
                    if (canon != null) {
                        enumValues.add(canon);
                        enumShown.add(e.text());
                    }
                }
            }
        }
        if (file.errorCount() > before || name == null || type == null) {
            return null;
        }
        return new ParamSchema(name, type, optional != null && optional, min, max, rangeText, maxLength, pattern,
                enumValues == null ? null : Set.copyOf(enumValues), enumShown);
    }

    private ParamSchema.Type type(Value n, String path) {
        Value typeNode = n.get("type");
        if (typeNode == null) {
            file.error(n, path, "missing type (bool, int, float, string, object or array)");
            return null;
        }
        if (!typeNode.isString()) {
            file.error(typeNode, path + ".type", "must be bool, int, float, string, object or array, not "
                    + typeNode.shown());
            return null;
        }
        switch (typeNode.text()) {
            case "bool": return ParamSchema.Type.BOOL;
            case "int": return ParamSchema.Type.INT;
            case "float": return ParamSchema.Type.FLOAT;
            case "string": return ParamSchema.Type.STRING;
            case "object": return ParamSchema.Type.OBJECT;
            case "array": return ParamSchema.Type.ARRAY;
            default:
                file.error(typeNode, path + ".type", "unknown type \"" + typeNode.text()
                        + "\" (use bool, int, float, string, object or array)");
                return null;
        }
    }

    private Pattern pattern(Value pat, ParamSchema.Type type, String path) {
        if (pat == null || type == null) {
            return null;
        }
        if (type != ParamSchema.Type.STRING) {
            file.error(pat, path, "only string parameters have a pattern");
        } else if (!pat.isString()) {
            file.error(pat, path, "must be a regular expression in quotes, not " + pat.shown());
        } else {
            try {
                return Pattern.compile(pat.text());
            } catch (PatternSyntaxException e) {
                file.error(pat, path, "not a valid regular expression: " + e.getDescription()
                        + " near index " + e.getIndex());
            }
        }
        return null;
    }

    private Double bound(Value b, ParamSchema.Type type, String path) {
        if (b.isNull()) {
            return null;
        }
        if (type == ParamSchema.Type.INT) {
            if (!b.isInteger()) {
                file.error(b, path, "an int range needs whole numbers, not " + b.shown());
                return null;
            }
            try {
                return (double) Long.parseLong(b.text());
            } catch (NumberFormatException e) {
                file.error(b, path, b.text() + " is outside the 64-bit range");
                return null;
            }
        }
        if (!b.isNumber()) {
            file.error(b, path, "must be a number, not " + b.shown());
            return null;
        }
        double d = Double.parseDouble(b.text());
        if (!Double.isFinite(d)) {
            file.error(b, path, b.text() + " is outside the range of a double");
            return null;
        }
        return d;
    }

    private String enumValue(Value e, ParamSchema.Type type, String path) {
        switch (type) {
            case STRING:
                if (!e.isString()) {
                    file.error(e, path, "a string enum needs strings; quote " + e.text());
                    return null;
                }
                return e.text();
            case BOOL:
                if (!e.isBoolean()) {
                    file.error(e, path, "a bool enum needs true or false, not " + e.shown());
                    return null;
                }
                return e.text().toLowerCase(Locale.ROOT);
            case INT:
                if (!e.isInteger()) {
                    file.error(e, path, "an int enum needs whole numbers, not " + e.shown());
                    return null;
                }
                try {
                    return Long.toString(Long.parseLong(e.text()));
                } catch (NumberFormatException ex) {
                    file.error(e, path, e.text() + " is outside the 64-bit range");
                    return null;
                }
            default:
                if (!e.isNumber()) {
                    file.error(e, path, "a float enum needs numbers, not " + e.shown());
                    return null;
                }
                return LenientJson.plain(Double.parseDouble(e.text()));
        }
    }
}
