package org.mistyproxy.proxy.ws;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Browsers send {@code Origin} on every WebSocket upgrade and, unlike fetch, do not enforce CORS
 * on the answer, so the server must: a page from an origin the owner did not list must not reach
 * the robot through a borrower's URL. Scripts send no Origin and are not affected.
 */
final class OriginCheck {
    private OriginCheck() {}

    /** Whether an upgrade with this Origin header (null if absent) may go ahead. */
    static boolean allowed(String origin, List<String> corsOrigins) {
        if (origin == null || corsOrigins.contains("*")) {
            return true;
        }
        String wanted = normalise(origin);
        if (wanted == null) {
            return false; // "null" (sandboxed frames, file:) and garbage match only "*"
        }
        for (String o : corsOrigins) {
            if (wanted.equals(normalise(o))) {
                return true;
            }
        }
        return false;
    }

    /** scheme://host[:port] in lower case, default ports dropped; null if not an origin. */
    static String normalise(String origin) {
        try {
            URI u = new URI(origin.trim());
            String scheme = u.getScheme();
            String host = u.getHost();
            if (scheme == null || host == null) {
                return null;
            }
            scheme = scheme.toLowerCase(Locale.ROOT);
            int port = u.getPort();
            boolean defaultPort = port == -1
                    || (port == 80 && (scheme.equals("http") || scheme.equals("ws")))
                    || (port == 443 && (scheme.equals("https") || scheme.equals("wss")));
            return scheme + "://" + host.toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }
}
