package org.mistyproxy.policy;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a query string into named parameters, refusing what servers disagree on: a name without
 * {@code =value}, a name given twice (names compare case-insensitively, as the robot reads them),
 * a raw {@code ;} (some servers split on it), invalid UTF-8 and NUL. {@code +} means a space, as in
 * HTML forms and .NET; the canonical form writes spaces as {@code %20} and a plus as {@code %2B}, so
 * the robot cannot read it any other way.
 */
final class CanonicalQuery {
    /** One query parameter, decoded. */
    record Param(String name, String value) {}

    /**
     * The parameters in order, or an error. {@code canonicalRaw} is the raw query when it is
     * already in canonical form (only unreserved characters, one = per parameter), so the common
     * case needs no re-encoding; otherwise null.
     */
    record Result(List<Param> params, String error, String canonicalRaw) {
        Result(List<Param> params, String error) {
            this(params, error, null);
        }
    }

    static final Result EMPTY = new Result(List.of(), null, "");

    /** More parameters than any robot command takes; the limit keeps the duplicate check cheap. */
    static final int MAX_PARAMS = 64;

    private CanonicalQuery() {}

    static Result parse(String raw) {
        if (raw == null || raw.isEmpty()) {
            return EMPTY;
        }
        List<Param> params = new ArrayList<>(4);
        int n = raw.length();
        int start = 0;
        boolean plain = true;
        int equalsInPiece = 0;
        for (int i = 0; i <= n; i++) {
            if (i < n) {
                char c = raw.charAt(i);
                if (c == '=') {
                    equalsInPiece++;
                } else if (c != '&' && !Percent.unreserved(c)) {
                    plain = false;
                }
            }
            if (i < n && raw.charAt(i) == ';') {
                return new Result(null, "a ; in the query string is refused (some servers split parameters on it)");
            }
            if (i == n || raw.charAt(i) == '&') {
                if (equalsInPiece != 1) {
                    plain = false;
                }
                equalsInPiece = 0;
                if (i > start) {
                    int eq = raw.indexOf('=', start);
                    if (eq < 0 || eq >= i) {
                        String name = decode(raw, start, i, true);
                        return new Result(null, "query parameter " + (name.startsWith("\u0000ERR")
                                ? Reasons.bare(raw.substring(start, i)) : Reasons.bare(name)) + " has no value");
                    }
                    if (eq == start) {
                        return new Result(null, "a query parameter has no name");
                    }
                    String name = decode(raw, start, eq, true);
                    if (name.startsWith("\u0000ERR")) {
                        return new Result(null, name.substring(4));
                    }
                    String value = decode(raw, eq + 1, i, false);
                    if (value.startsWith("\u0000ERR")) {
                        return new Result(null, value.substring(4) + " (parameter " + Reasons.bare(name) + ")");
                    }
                    if (!Ascii.isPrintable(name)) {
                        return new Result(null, "query parameter name " + Reasons.quote(name)
                                + " is refused: names must be printable ASCII");
                    }
                    for (Param p : params) {
                        if (Ascii.equalsIgnoreCase(p.name, name)) {
                            return new Result(null, "query parameter " + Reasons.bare(name) + " is repeated"
                                    + (p.name.equals(name) ? "" : " (as " + Reasons.bare(p.name) + ")"));
                        }
                    }
                    if (params.size() == MAX_PARAMS) {
                        return new Result(null, "more than " + MAX_PARAMS + " query parameters");
                    }
                    params.add(new Param(name, value));
                }
                start = i + 1;
            }
        }
        return params.isEmpty() ? EMPTY : new Result(params, null, plain ? raw : null);
    }

    /** The canonical wire form of parameters with these (possibly rewritten) values. */
    static String wire(List<Param> params, String[] values) {
        if (params.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder(32);
        for (int i = 0; i < params.size(); i++) {
            if (i > 0) {
                b.append('&');
            }
            Percent.encode(params.get(i).name, b);
            b.append('=');
            Percent.encode(values[i] != null ? values[i] : params.get(i).value, b);
        }
        return b.toString();
    }

    private static String decode(String raw, int from, int to, boolean isName) {
        boolean plain = true;
        for (int i = from; i < to; i++) {
            char c = raw.charAt(i);
            if (c == '%' || c == '+' || c < 0x21 || c >= 0x7f) {
                plain = false;
                break;
            }
        }
        if (plain) {
            return raw.substring(from, to);
        }
        byte[] bytes = new byte[to - from];
        int len = 0;
        for (int i = from; i < to; i++) {
            char c = raw.charAt(i);
            int b;
            if (c == '%') {
                b = Percent.decodeEscape(raw, i, to);
                if (b < 0) {
                    return "\u0000ERR" + "a % in the query is not followed by two hex digits";
                }
                i += 2;
            } else if (c == '+') {
                b = ' ';
            } else if (c >= 0x80) {
                return "\u0000ERR" + "the query contains a raw non-ASCII character (percent-encode it as UTF-8)";
            } else if (c < 0x20 || c == 0x7f || c == ' ') {
                return "\u0000ERR" + "the query contains a raw space or control character";
            } else {
                b = c;
            }
            if (b == 0) {
                return "\u0000ERR" + "the query contains a NUL character";
            }
            if (isName && (b < 0x20 || b == 0x7f)) {
                return "\u0000ERR" + "a query parameter name contains a control character";
            }
            bytes[len++] = (byte) b;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, len))
                    .toString();
        } catch (CharacterCodingException e) {
            return "\u0000ERR" + "the query is not valid UTF-8 once percent-decoded";
        }
    }
}
