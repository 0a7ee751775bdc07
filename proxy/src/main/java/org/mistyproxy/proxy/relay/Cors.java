package org.mistyproxy.proxy.relay;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.util.List;

/**
 * CORS for proxy URLs, so browser apps (Misty's web tools) can call the robot through the proxy.
 * Preflights are answered here and never reach the robot. Origins come from the deployment's
 * {@code cors_origins}; {@code "*"} allows any origin, and credentials are never allowed (the URL
 * itself is the credential). A request whose {@code Origin} is not allowed is refused, so an
 * owner who lists origins restricts which web apps may drive the robot, not only which may read.
 */
final class Cors {
    static final String METHODS = "GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS";
    static final String HEADERS = "Content-Type, Accept, Accept-Language, Content-Language, X-Requested-With";
    private static final String MAX_AGE = "600";
    static final HttpString ALLOW_ORIGIN = new HttpString("Access-Control-Allow-Origin");
    static final HttpString ALLOW_CREDENTIALS = new HttpString("Access-Control-Allow-Credentials");
    static final HttpString ALLOW_METHODS = new HttpString("Access-Control-Allow-Methods");
    static final HttpString ALLOW_HEADERS = new HttpString("Access-Control-Allow-Headers");
    static final HttpString EXPOSE_HEADERS = new HttpString("Access-Control-Expose-Headers");
    static final HttpString MAX_AGE_HEADER = new HttpString("Access-Control-Max-Age");
    static final HttpString REQUEST_METHOD = new HttpString("Access-Control-Request-Method");

    private Cors() {}

    static boolean isPreflight(HttpServerExchange exchange) {
        HeaderMap h = exchange.getRequestHeaders();
        return exchange.getRequestMethod().equals(Methods.OPTIONS)
                && h.contains(Headers.ORIGIN)
                && h.contains(REQUEST_METHOD);
    }

    /** Whether a request from {@code origin} may use the URL; no Origin (not a browser) is allowed. */
    static boolean allows(List<String> corsOrigins, String origin) {
        if (origin == null) {
            return true;
        }
        for (String allowed : corsOrigins) {
            if (allowed.equals("*") || allowed.equalsIgnoreCase(origin)) {
                return true;
            }
        }
        return false;
    }

    /** Adds the allow headers to a response for an allowed origin; nothing without Origin or for others. */
    static void decorate(HttpServerExchange exchange, List<String> corsOrigins, String origin) {
        if (origin == null || !allows(corsOrigins, origin)) {
            return;
        }
        HeaderMap h = exchange.getResponseHeaders();
        if (corsOrigins.contains("*")) {
            h.put(ALLOW_ORIGIN, "*");
        } else {
            h.put(ALLOW_ORIGIN, origin);
            h.add(Headers.VARY, "Origin");
        }
    }

    /** Answers a preflight from an allowed origin: 204 with the methods and headers the proxy accepts. */
    static void answerPreflight(HttpServerExchange exchange, List<String> corsOrigins, String origin) {
        decorate(exchange, corsOrigins, origin);
        HeaderMap h = exchange.getResponseHeaders();
        h.put(ALLOW_METHODS, METHODS);
        h.put(ALLOW_HEADERS, HEADERS);
        h.put(MAX_AGE_HEADER, MAX_AGE);
        h.put(Headers.CONTENT_LENGTH, 0);
        exchange.setStatusCode(204);
        exchange.endExchange();
    }
}
