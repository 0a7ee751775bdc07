package org.mistyproxy.proxy.control;

import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code page} and {@code max_per_page} of the list calls ({@code GET /deployments},
 * {@code GET /instances}), as the rerobots API defines them: pages count from 1;
 * {@code max_per_page} 0 (the default) means everything on one page; a page past the last is the
 * last page. Values of any size are taken (a number too large for the server is "more than there
 * is" and is capped, so no arithmetic can overflow); anything that is not a whole number in range
 * is a 400 naming the parameter. No answer echoes a value as sent beyond {@link #shorten}'s 40
 * characters: list answers carry only {@code page_count} (at most the number of items), and a
 * refusal shows the number as read or the first characters of what is not one.
 *
 * @param page    the page asked for, from 1 (capped at {@link Integer#MAX_VALUE})
 * @param perPage items per page; 0 for one page holding everything
 */
record Paging(int page, int perPage) {
    /** A page of a list and how many pages the whole list has (at least 1: an empty list is one empty page). */
    record Page<T>(List<T> items, int pageCount) {}

    static Paging from(Map<String, Deque<String>> query) {
        Long page = number(query, "page", 1);
        Long per = number(query, "max_per_page", 0);
        return new Paging(page == null ? 1 : capped(page), per == null ? 0 : capped(per));
    }

    <T> Page<T> apply(List<T> all) {
        int n = all.size();
        if (perPage == 0) return new Page<>(all, 1);
        long count = Math.max(1, ((long) n + perPage - 1) / perPage);
        long p = Math.min(page, count);
        long from = (p - 1) * perPage;
        long to = Math.min(n, from + perPage);
        return new Page<>(all.subList((int) from, (int) to), (int) count);
    }

    /** Rejects a query parameter this call does not know, naming the ones it does. */
    static void onlyKnown(Map<String, Deque<String>> query, Set<String> allowed, String call) {
        for (String k : query.keySet()) {
            if (!allowed.contains(k)) {
                throw ApiError.of(400, "unknown query parameter `" + shorten(k) + "` for " + call + "; allowed: "
                        + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
    }

    /** The single value of a query parameter, or null; given twice is an error (which one would win?). */
    static String single(Map<String, Deque<String>> query, String name) {
        Deque<String> d = query.get(name);
        if (d == null || d.isEmpty()) return null;
        if (d.size() > 1) throw ApiError.of(400, "query parameter `" + name + "` given more than once");
        return d.getFirst();
    }

    /** A whole number >= min of any length; null when absent. Over {@link Long#MAX_VALUE} reads as that. */
    static Long number(Map<String, Deque<String>> query, String name, int min) {
        String v = single(query, name);
        return v == null ? null : number(name, v, min);
    }

    /** {@code v}, the value of query parameter {@code name}, as a whole number >= min (capped at {@link Long#MAX_VALUE}). */
    static long number(String name, String v, int min) {
        boolean digits = !v.isEmpty();
        for (int i = 0; i < v.length() && digits; i++) digits = v.charAt(i) >= '0' && v.charAt(i) <= '9';
        if (!digits) {
            throw ApiError.of(400, "query parameter `" + name + "` must be a whole number >= " + min + ", got `" + shorten(v) + "`");
        }
        String s = v.replaceFirst("^0+(?=.)", "");
        long value = s.length() > 18 ? Long.MAX_VALUE : Long.parseLong(s);
        if (value < min) {
            // the value as read, not as sent: "0" followed by any number of zeros is echoed as `0`
            throw ApiError.of(400, "query parameter `" + name + "` must be a whole number >= " + min + ", got `" + value + "`");
        }
        return value;
    }

    private static int capped(long v) {
        return (int) Math.min(v, Integer.MAX_VALUE);
    }

    /** Echoes at most 40 characters of what the client sent: enough to see the mistake, not a way to fill logs. */
    static String shorten(String v) {
        return v.length() <= 40 ? v : v.substring(0, 40) + "…";
    }
}
