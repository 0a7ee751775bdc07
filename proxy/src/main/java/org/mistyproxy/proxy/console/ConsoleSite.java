package org.mistyproxy.proxy.console;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.resource.ClassPathResourceManager;
import io.undertow.server.handlers.resource.ResourceHandler;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.MimeMappings;
import org.mistyproxy.proxy.front.AccessLog;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The web console at {@code /console/}: plain static files (HTML, CSS, ES modules) served from the
 * jar by Undertow's {@link ResourceHandler}. The console is a client of the public API like any
 * other (control API with a Bearer token, proxy URLs, cam feeds, {@code /metrics}); this class only
 * serves files, with headers that keep them from being turned against the user:
 * <ul>
 *   <li>a strict Content-Security-Policy: scripts only from this origin (no inline script, no
 *       eval), Trusted Types required so that no string can reach an HTML sink, no framing;</li>
 *   <li>{@code X-Content-Type-Options: nosniff}, exact content types with a charset, and only the
 *       file types the console is made of (anything else is 404, whatever the jar holds);</li>
 *   <li>{@code Referrer-Policy: no-referrer}: the page handles capability URLs and must not leak
 *       any address to other sites.</li>
 * </ul>
 * Caching: the files are not fingerprinted (no build step), so each use revalidates
 * ({@code no-cache}) against {@code Last-Modified}; an upgraded server is seen at once.
 */
public final class ConsoleSite implements HttpHandler {
    /** Where the files live on the classpath. */
    static final String ROOT = "org/mistyproxy/proxy/console/site";
    /** The URL prefix; {@code /console} alone redirects here. */
    public static final String PREFIX = "/console/";

    static final String CSP = String.join("; ",
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            // camera: MJPEG/snapshots from this origin; WebSocket feed frames arrive as data: URLs
            "img-src 'self' data: blob:",
            // 'self' covers ws:/wss: to this host and port in CSP level 3 (the /pubsub and feed sockets)
            "connect-src 'self'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
            "object-src 'none'",
            "require-trusted-types-for 'script'",
            "trusted-types 'none'");

    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon");

    private static final HttpString CSP_HEADER = new HttpString("Content-Security-Policy");
    private static final HttpString NOSNIFF = new HttpString("X-Content-Type-Options");
    private static final HttpString FRAME_OPTIONS = new HttpString("X-Frame-Options");
    private static final HttpString REFERRER = new HttpString("Referrer-Policy");
    private static final HttpString OPENER = new HttpString("Cross-Origin-Opener-Policy");
    private static final HttpString RESOURCE = new HttpString("Cross-Origin-Resource-Policy");
    private static final HttpString PERMISSIONS = new HttpString("Permissions-Policy");

    private final ResourceHandler files;

    public ConsoleSite() {
        MimeMappings.Builder mime = MimeMappings.builder(false);
        TYPES.forEach(mime::addMapping);
        this.files = new ResourceHandler(new ClassPathResourceManager(ConsoleSite.class.getClassLoader(), ROOT),
                ConsoleSite::notFound)
                .setDirectoryListingEnabled(false)
                .setMimeMappings(mime.build());
    }

    /** Answers {@code /console} and everything under {@code /console/} (the router sends nothing else). */
    @Override
    public void handleRequest(HttpServerExchange ex) throws Exception {
        String path = ex.getRequestPath();
        AccessLog.tag(ex, "console", path.length() > 200 ? path.substring(0, 200) : path);
        HeaderMap h = ex.getResponseHeaders();
        h.put(CSP_HEADER, CSP);
        h.put(NOSNIFF, "nosniff");
        h.put(FRAME_OPTIONS, "DENY");
        h.put(REFERRER, "no-referrer");
        h.put(OPENER, "same-origin");
        h.put(RESOURCE, "same-origin");
        h.put(PERMISSIONS, "camera=(), microphone=(), geolocation=(), usb=(), serial=()");
        HttpString m = ex.getRequestMethod();
        if (!m.equals(Methods.GET) && !m.equals(Methods.HEAD)) {
            h.put(Headers.ALLOW, "GET, HEAD");
            send(ex, 405, "method " + m + " not allowed on the console; use GET");
            return;
        }
        if (path.equals("/console")) {
            ex.setStatusCode(301);
            h.put(Headers.LOCATION, PREFIX);
            ex.endExchange();
            return;
        }
        if (!path.startsWith(PREFIX)) { // the router sends only /console and /console/...; be sure
            notFound(ex);
            return;
        }
        String rel = path.substring(PREFIX.length() - 1);
        if (rel.equals("/")) rel = "/index.html";
        if (!servable(rel)) {
            notFound(ex);
            return;
        }
        h.put(Headers.CACHE_CONTROL, "no-cache");
        ex.setRelativePath(rel);
        files.handleRequest(ex);
    }

    /** Plain names of the console's own types only: no dot-segments, no hidden files, no backslashes. */
    static boolean servable(String rel) {
        if (rel.contains("..") || rel.contains("\\") || rel.contains("//") || rel.contains("/.")) return false;
        int dot = rel.lastIndexOf('.');
        return dot > rel.lastIndexOf('/') && TYPES.containsKey(rel.substring(dot + 1));
    }

    private static void notFound(HttpServerExchange ex) {
        send(ex, 404, "not found");
    }

    private static void send(HttpServerExchange ex, int status, String text) {
        ex.setStatusCode(status);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        ex.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-store");
        ex.getResponseSender().send(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }
}
