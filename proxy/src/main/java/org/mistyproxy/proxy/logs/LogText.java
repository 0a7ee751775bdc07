package org.mistyproxy.proxy.logs;

/**
 * Text that a borrower chose (a path, a query, a header value, a reason quoting them) is stored in
 * logs and audit rings only up to a bound, with its real length noted, so that nothing a borrower
 * sends is kept at unbounded size.
 */
public final class LogText {
    /** Bound for paths and header values in logs and audit entries. */
    public static final int PATH = 512;
    /** Bound for reasons and error texts, which may quote a path. */
    public static final int REASON = 1024;

    private LogText() {}

    /** {@code s} itself when short enough, else its first {@code max} characters and {@code …[N chars]}. */
    public static String bounded(String s, int max) {
        if (s == null || s.length() <= max) return s;
        return s.substring(0, max) + "…[" + s.length() + " chars]";
    }
}
