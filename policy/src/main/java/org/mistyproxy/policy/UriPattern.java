package org.mistyproxy.policy;

/**
 * A rule's {@code uri}: a canonical path where a segment {@code *} matches exactly one segment and
 * a final {@code **} matches the rest (zero or more segments). Matching walks the request path in
 * place: no splitting, no regular expressions.
 */
final class UriPattern {
    private final String text;
    private final String[] segments;
    private final boolean exact;
    private final boolean rest;

    private UriPattern(String text, String[] segments, boolean exact, boolean rest) {
        this.text = text;
        this.segments = segments;
        this.exact = exact;
        this.rest = rest;
    }

    /** Compiles a pattern already checked by the parser: canonical, lower case, {@code **} only last. */
    static UriPattern compile(String canonical) {
        String[] segs = canonical.equals("/") ? new String[0] : canonical.substring(1).split("/", -1);
        boolean rest = segs.length > 0 && segs[segs.length - 1].equals("**");
        boolean exact = !rest;
        for (String s : segs) {
            if (s.equals("*")) {
                exact = false;
            }
        }
        if (rest) {
            String[] shorter = new String[segs.length - 1];
            System.arraycopy(segs, 0, shorter, 0, shorter.length);
            segs = shorter;
        }
        return new UriPattern(canonical, segs, exact, rest);
    }

    boolean isExact() {
        return exact;
    }

    String text() {
        return text;
    }

    /** Whether a canonical (decoded, lower-case) path matches. */
    boolean matches(String path) {
        if (exact) {
            return text.equals(path);
        }
        int pos = 1;
        int n = path.length();
        if (n == 1) {
            return segments.length == 0 && rest;
        }
        for (String seg : segments) {
            if (pos > n) {
                return false;
            }
            int end = path.indexOf('/', pos);
            if (end < 0) {
                end = n;
            }
            if (!seg.equals("*") && !(seg.length() == end - pos && path.regionMatches(pos, seg, 0, seg.length()))) {
                return false;
            }
            pos = end + 1;
        }
        return rest || pos > n;
    }
}
