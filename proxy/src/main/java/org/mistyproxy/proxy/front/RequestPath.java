package org.mistyproxy.proxy.front;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import java.util.ArrayList;
import java.util.List;

/**
 * The request path exactly as received (not decoded, without the query, always starting with
 * {@code /}) and its segments, computed once by the {@link Router}. Empty segments are kept, so
 * that {@code /instances/} does not match {@code /instances}.
 */
public record RequestPath(String raw, List<String> segments) {

    static final AttachmentKey<RequestPath> KEY = AttachmentKey.create(RequestPath.class);

    /** The path the {@link Router} attached to {@code ex}. */
    public static RequestPath attached(HttpServerExchange ex) {
        RequestPath p = ex.getAttachment(KEY);
        if (p == null) {
            throw new IllegalStateException("no RequestPath on this exchange: the Router attaches it");
        }
        return p;
    }

    static RequestPath of(HttpServerExchange ex) {
        String uri = ex.getRequestURI();
        if (ex.isHostIncludedInRequestURI()) {
            int scheme = uri.indexOf("://");
            int slash = scheme < 0 ? -1 : uri.indexOf('/', scheme + 3);
            uri = slash < 0 ? "/" : uri.substring(slash);
        }
        String raw = uri.isEmpty() ? "/" : uri;
        return new RequestPath(raw, segments(raw));
    }

    private static List<String> segments(String raw) {
        List<String> out = new ArrayList<>();
        int i = 1;
        while (true) {
            int j = raw.indexOf('/', i);
            if (j < 0) {
                out.add(raw.substring(i));
                return List.copyOf(out);
            }
            out.add(raw.substring(i, j));
            i = j + 1;
        }
    }

    String first() {
        return segments.get(0);
    }

    int size() {
        return segments.size();
    }

    String segment(int i) {
        return segments.get(i);
    }
}
