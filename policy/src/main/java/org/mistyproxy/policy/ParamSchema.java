package org.mistyproxy.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.LongNode;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One entry of a rule's {@code schema}: a parameter's type and limits. A value is checked the same
 * way whether it came in the query string (text) or in a JSON body (a JSON value), and the check
 * also yields the canonical value that is forwarded, so what was checked is what the robot reads.
 */
final class ParamSchema {
    enum Type { BOOL, INT, FLOAT, STRING, OBJECT, ARRAY }

    /** The outcome of checking one value: a problem, or the canonical value (SAME: unchanged). */
    record Checked(String problem, String queryValue, JsonNode jsonValue) {
        static final Checked SAME = new Checked(null, null, null);

        static Checked problem(String p) {
            return new Checked(p, null, null);
        }
    }

    final String name;
    final String lower;
    final Type type;
    final boolean optional;
    final boolean hasMin;
    final boolean hasMax;
    final double min;
    final double max;
    final String rangeText;
    final int maxLength;
    final Pattern pattern;
    final Set<String> enumValues;
    final String enumText;

    ParamSchema(String name, Type type, boolean optional, Double min, Double max, String rangeText, int maxLength,
            Pattern pattern, Set<String> enumValues, List<String> enumShown) {
        this.name = name;
        this.lower = Ascii.lower(name);
        this.type = type;
        this.optional = optional;
        this.hasMin = min != null;
        this.hasMax = max != null;
        this.min = min == null ? 0 : min;
        this.max = max == null ? 0 : max;
        this.rangeText = rangeText;
        this.maxLength = maxLength;
        this.pattern = pattern;
        this.enumValues = enumValues;
        this.enumText = enumShown == null ? null : String.join(", ", enumShown);
    }

    /** Checks a value from the query string. */
    Checked checkQuery(String v) {
        switch (type) {
            case BOOL: {
                String canonical;
                if (v.equalsIgnoreCase("true")) {
                    canonical = "true";
                } else if (v.equalsIgnoreCase("false")) {
                    canonical = "false";
                } else {
                    return Checked.problem(name + "=" + Reasons.quote(v) + " is not a boolean (true or false)");
                }
                String p = checkEnum(canonical, canonical);
                if (p != null) {
                    return Checked.problem(p);
                }
                return canonical.equals(v) ? Checked.SAME : new Checked(null, canonical, null);
            }
            case INT: {
                if (isPlainInteger(v)) {
                    long l;
                    if (v.length() - (v.charAt(0) == '-' ? 1 : 0) < 19) {
                        l = parseShortLong(v);
                    } else {
                        try {
                            l = Long.parseLong(v);
                        } catch (NumberFormatException e) {
                            // only 19-digit values beyond 64 bits get here; rare, so an exception is fine
                            return Checked.problem(name + "=" + Reasons.bare(v) + " is outside the 64-bit range");
                        }
                    }
                    String p = checkWhole(l, v);
                    return p != null ? Checked.problem(p) : Checked.SAME;
                }
                if (!NumberSyntax.isJsonNumber(v)) {
                    return Checked.problem(name + "=" + Reasons.quote(v) + " is not a whole number");
                }
                double d = Double.parseDouble(v);
                if (!(Double.isFinite(d) && d == Math.rint(d))) {
                    return Checked.problem(name + "=" + Reasons.bare(v) + " is not a whole number");
                }
                if (!(d >= -0x1p63 && d < 0x1p63)) {
                    return Checked.problem(name + "=" + Reasons.bare(v) + " is outside the 64-bit range");
                }
                long l = (long) d;
                String p = checkWhole(l, v);
                return p != null ? Checked.problem(p) : new Checked(null, Long.toString(l), null);
            }
            case FLOAT: {
                if (!NumberSyntax.isJsonNumber(v)) {
                    return Checked.problem(name + "=" + Reasons.quote(v) + " is not a number");
                }
                double d = Double.parseDouble(v);
                if (!Double.isFinite(d)) {
                    return Checked.problem(name + "=" + Reasons.bare(v) + " is outside the range of a double");
                }
                String p = checkReal(d, v);
                return p != null ? Checked.problem(p) : Checked.SAME;
            }
            case STRING: {
                String p = checkString(v);
                return p != null ? Checked.problem(p) : Checked.SAME;
            }
            default:
                return Checked.problem(name + " must be " + (type == Type.OBJECT ? "an object" : "an array")
                        + " in a JSON body, not text in the query string");
        }
    }

    /** Checks a (non-null) value from a JSON body. */
    Checked checkJson(JsonNode v) {
        switch (type) {
            case BOOL: {
                if (!v.isBoolean()) {
                    return Checked.problem(name + "=" + Reasons.show(v) + " is not a boolean (true or false)");
                }
                String p = checkEnum(v.booleanValue() ? "true" : "false", v.asText());
                return p != null ? Checked.problem(p) : Checked.SAME;
            }
            case INT: {
                if (!v.isNumber()) {
                    return Checked.problem(name + "=" + Reasons.show(v) + " is not a whole number");
                }
                Long l = LenientJson.wholeNumber(v);
                if (l == null) {
                    return Checked.problem(name + "=" + Reasons.show(v)
                            + (v.isIntegralNumber() ? " is outside the 64-bit range" : " is not a whole number"));
                }
                String p = checkWhole(l, v.asText());
                if (p != null) {
                    return Checked.problem(p);
                }
                return v.isIntegralNumber() ? Checked.SAME : new Checked(null, null, LongNode.valueOf(l));
            }
            case FLOAT: {
                if (!v.isNumber()) {
                    return Checked.problem(name + "=" + Reasons.show(v) + " is not a number");
                }
                String p = checkReal(v.doubleValue(), v.asText());
                return p != null ? Checked.problem(p) : Checked.SAME;
            }
            case STRING: {
                if (!v.isTextual()) {
                    return Checked.problem(name + "=" + Reasons.show(v) + " is not a string");
                }
                String p = checkString(v.textValue());
                return p != null ? Checked.problem(p) : Checked.SAME;
            }
            case OBJECT:
                return v.isObject() ? Checked.SAME : Checked.problem(name + "=" + Reasons.show(v) + " is not an object");
            default:
                return v.isArray() ? Checked.SAME : Checked.problem(name + "=" + Reasons.show(v) + " is not an array");
        }
    }

    private String checkWhole(long l, String shown) {
        if ((hasMin && l < min) || (hasMax && l > max)) {
            return name + "=" + Reasons.bare(shown) + " is outside " + rangeText;
        }
        return checkEnum(Long.toString(l), shown);
    }

    private String checkReal(double d, String shown) {
        if ((hasMin && d < min) || (hasMax && d > max)) {
            return name + "=" + Reasons.bare(shown) + " is outside " + rangeText;
        }
        if (enumValues != null) {
            return checkEnum(LenientJson.plain(d), shown);
        }
        return null;
    }

    private String checkString(String s) {
        if (maxLength >= 0 && s.codePointCount(0, s.length()) > maxLength) {
            return name + " is longer than " + maxLength + " characters";
        }
        if (pattern != null && !pattern.matcher(s).matches()) {
            return name + "=" + Reasons.quote(s) + " does not match the pattern " + pattern.pattern();
        }
        if (enumValues != null && !enumValues.contains(s)) {
            return name + "=" + Reasons.quote(s) + " is not one of " + enumText;
        }
        return null;
    }

    private String checkEnum(String canonical, String shown) {
        if (enumValues != null && !enumValues.contains(canonical)) {
            return name + "=" + Reasons.bare(shown) + " is not one of " + enumText;
        }
        return null;
    }

    static JsonNode bool(boolean b) {
        return BooleanNode.valueOf(b);
    }

    private static boolean isPlainInteger(String v) {
        int n = v.length();
        int i = n > 0 && v.charAt(0) == '-' ? 1 : 0;
        if (i == n || n - i > 19) {
            return false;
        }
        if (v.charAt(i) == '0' && n - i > 1) {
            return false;
        }
        for (; i < n; i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /** Parses a plain integer of at most 18 digits, which cannot overflow. */
    private static long parseShortLong(String v) {
        boolean neg = v.charAt(0) == '-';
        long r = 0;
        for (int i = neg ? 1 : 0; i < v.length(); i++) {
            r = r * 10 + (v.charAt(i) - '0');
        }
        return neg ? -r : r;
    }
}
