package org.mistyproxy.proxy.gate;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.Origin;

/**
 * The one origin rule for proxy URLs, used by the HTTP relay, the {@code /pubsub} upgrade and the
 * front door's own answers, and the CORS headers that go with it.
 *
 * <p>A request whose {@code Origin} is not in the deployment's {@code cors_origins} is refused,
 * so an owner who lists origins restricts which web apps may drive the robot, not only which may
 * read the answers (browsers do not apply CORS to WebSocket upgrades at all). A request without
 * {@code Origin} is not from a browser page and is allowed. Entries are already in
 * {@link Origin}'s normal form ({@link Deployment} normalises them once); the presented header is
 * reduced to the same form, so default ports and letter case never decide. {@code "*"} allows any
 * origin; credentials are never allowed (the URL itself is the credential). An {@code Origin}
 * that is not an http(s) origin ({@code null} from sandboxed frames or {@code file:}) matches only
 * {@code "*"}.
 */
public final class OriginGate {
    static final String METHODS = "GET, POST, PUT, DELETE, PATCH, HEAD, OPTIONS";
    static final String HEADERS = "Content-Type, Accept, Accept-Language, Content-Language, X-Requested-With";
    private static final String MAX_AGE = "600";
    static final HttpString ALLOW_ORIGIN = new HttpString("Access-Control-Allow-Origin");
    static final HttpString ALLOW_METHODS = new HttpString("Access-Control-Allow-Methods");
    static final HttpString ALLOW_HEADERS = new HttpString("Access-Control-Allow-Headers");
    static final HttpString MAX_AGE_HEADER = new HttpString("Access-Control-Max-Age");
    static final HttpString REQUEST_METHOD = new HttpString("Access-Control-Request-Method");
    /** The CORS headers of a response: the proxy sets its own, so a relay drops the robot's. */
    public static final Set<HttpString> RESPONSE_HEADERS = Set.of(ALLOW_ORIGIN,
            new HttpString("Access-Control-Allow-Credentials"), ALLOW_METHODS, ALLOW_HEADERS,
            new HttpString("Access-Control-Expose-Headers"), MAX_AGE_HEADER);

    private OriginGate() {}

    /** Whether a request with this {@code Origin} header (null when absent) may use a URL with these entries. */
    public static boolean allows(List<String> corsOrigins, String origin) {
        if (origin == null || corsOrigins.contains("*") || corsOrigins.contains(origin)) {
            return true; // the last test is the common case: a browser sends its origin in normal form
        }
        return Origin.parse(origin).map(o -> corsOrigins.contains(o.toString())).orElse(false);
    }

    /** The request's {@code Origin} header, or null. */
    public static String origin(HttpServerExchange exchange) {
        return exchange.getRequestHeaders().getFirst(Headers.ORIGIN);
    }

    /** {@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method}. */
    public static boolean isPreflight(HttpServerExchange exchange) {
        HeaderMap h = exchange.getRequestHeaders();
        return exchange.getRequestMethod().equals(Methods.OPTIONS)
                && h.contains(Headers.ORIGIN)
                && h.contains(REQUEST_METHOD);
    }

    /** Adds the allow headers to the response for an allowed origin; nothing without Origin or for others. */
    public static void decorate(HttpServerExchange exchange, List<String> corsOrigins) {
        String origin = origin(exchange);
        if (origin == null || !allows(corsOrigins, origin)) {
            return;
        }
        HeaderMap h = exchange.getResponseHeaders();
        if (corsOrigins.contains("*")) {
            h.put(ALLOW_ORIGIN, "*");
        } else {
            h.put(ALLOW_ORIGIN, origin); // echoed as sent: a browser compares it byte for byte
            h.add(Headers.VARY, "Origin");
        }
    }

    /** Answers a preflight from an allowed origin: 204 with the methods and headers the proxy accepts. */
    public static void answerPreflight(HttpServerExchange exchange, List<String> corsOrigins) {
        decorate(exchange, corsOrigins);
        HeaderMap h = exchange.getResponseHeaders();
        h.put(ALLOW_METHODS, METHODS);
        h.put(ALLOW_HEADERS, HEADERS);
        h.put(MAX_AGE_HEADER, MAX_AGE);
        h.put(Headers.CONTENT_LENGTH, 0);
        exchange.setStatusCode(204);
        exchange.endExchange();
    }

    /**
     * The origins allowed by any deployment, for answers on a proxy URL that belongs to none (an
     * unknown or revoked token): a page that was allowed to use the URL while it lived can then
     * read the 404 instead of seeing a CORS failure, and the list reveals nothing a token does not.
     */
    public static List<String> anyDeployment(List<Deployment> deployments) {
        Set<String> all = new LinkedHashSet<>();
        for (Deployment d : deployments) {
            if (d.corsOrigins().contains("*")) {
                return List.of("*");
            }
            all.addAll(d.corsOrigins());
        }
        return List.copyOf(new ArrayList<>(all));
    }
}
