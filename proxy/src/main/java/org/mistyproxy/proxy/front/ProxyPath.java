package org.mistyproxy.proxy.front;

import io.undertow.util.AttachmentKey;
import org.mistyproxy.proxy.access.ProxyToken;

/**
 * A proxy URL as the {@link Router} found it: {@code /{token}/rest} (short form) or
 * {@code /{sha256 hex of iid}/mistyproxy/{token}/rest} (long form).
 *
 * @param token  the presented token (not yet resolved)
 * @param prefix the long form's first segment, or null for the short form
 * @param rest   the raw path after the prefix, starting with {@code /} ({@code /} when empty)
 */
record ProxyPath(String token, String prefix, String rest) {

    static final AttachmentKey<ProxyPath> KEY = AttachmentKey.create(ProxyPath.class);

    /** The proxy URL {@code path} names, or null when it is not one. */
    static ProxyPath parse(RequestPath path) {
        String first = path.first();
        String raw = path.raw();
        if (ProxyToken.looksLikeToken(first)) {
            return new ProxyPath(first, null, rest(raw.substring(1 + first.length())));
        }
        if (path.size() >= 3 && isSha256Hex(first) && path.segment(1).equals("mistyproxy")) {
            String token = path.segment(2);
            return new ProxyPath(token, first, rest(raw.substring(first.length() + "/mistyproxy/".length() + 1 + token.length())));
        }
        return null;
    }

    private static String rest(String r) {
        return r.isEmpty() ? "/" : r;
    }

    private static boolean isSha256Hex(String s) {
        if (s.length() != 64) return false;
        for (int i = 0; i < 64; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
        }
        return true;
    }
}
