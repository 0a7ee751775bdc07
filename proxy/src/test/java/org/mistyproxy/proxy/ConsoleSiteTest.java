package org.mistyproxy.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.proxy.Rig.Api;
import org.mistyproxy.proxy.server.ProxyServer;
import org.mistyproxy.sim.Simulator;

/**
 * The console's files as a browser gets them (headers, types, what is refused), the API addition
 * its live views poll ({@code log?after=}), and a scan of its source for HTML sinks. The console in a
 * real browser is {@link ConsoleBrowserTest}.
 */
class ConsoleSiteTest {
    private static final Path SITE = Path.of("src/main/resources/org/mistyproxy/proxy/console/site");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir Path dir;
    Simulator robot;
    ProxyServer server;
    String base;
    Deployment misty;

    @BeforeEach
    void start() throws IOException {
        robot = Simulator.start("127.0.0.1", 0);
        misty = Rig.deployment("fixed_misty2", robot.port());
        server = ProxyServer.start(Rig.config(dir, List.of(misty)), Rig.fast());
        base = "http://127.0.0.1:" + server.port();
    }

    @AfterEach
    void stop() {
        server.close();
        robot.close();
    }

    private HttpResponse<byte[]> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10));
        if (headers.length > 0) b.headers(headers);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void filesComeWithStrictHeadersExactTypesAndRevalidation() throws Exception {
        for (String[] f : List.of(new String[] {"/console/", "text/html; charset=utf-8"},
                new String[] {"/console/index.html", "text/html; charset=utf-8"},
                new String[] {"/console/console.css", "text/css; charset=utf-8"},
                new String[] {"/console/js/main.js", "text/javascript; charset=utf-8"},
                new String[] {"/console/icon.svg", "image/svg+xml"})) {
            HttpResponse<byte[]> r = get(f[0]);
            assertEquals(200, r.statusCode(), f[0]);
            assertEquals(f[1], r.headers().firstValue("Content-Type").orElse(null), f[0]);
            String csp = r.headers().firstValue("Content-Security-Policy").orElseThrow();
            assertTrue(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"), csp);
            assertTrue(csp.contains("frame-ancestors 'none'"), csp);
            assertTrue(csp.contains("require-trusted-types-for 'script'"), csp);
            assertTrue(csp.contains("default-src 'none'"), csp);
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null));
            assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(null));
            assertEquals("no-referrer", r.headers().firstValue("Referrer-Policy").orElse(null));
            assertEquals("no-cache", r.headers().firstValue("Cache-Control").orElse(null));
            assertTrue(r.headers().firstValue("Last-Modified").isPresent(), f[0]);
        }
        // revalidation: an unchanged file answers 304 without a body
        String modified = get("/console/js/main.js").headers().firstValue("Last-Modified").orElseThrow();
        HttpResponse<byte[]> again = get("/console/js/main.js", "If-Modified-Since", modified);
        assertEquals(304, again.statusCode());
        assertEquals(0, again.body().length);

        HttpResponse<byte[]> bare = get("/console");
        assertEquals(301, bare.statusCode());
        assertEquals("/console/", bare.headers().firstValue("Location").orElse(null));
    }

    @Test
    void onlyTheConsolesOwnFilesAreServedAndOnlyRead() throws Exception {
        for (String p : List.of("/console/nothing.js", "/console/js/", "/console/../simplelogger.properties",
                "/console/%2e%2e/simplelogger.properties", "/console/..%2fsimplelogger.properties",
                "/console/js/..%2f..%2f..%2fConsoleSite.class", "/console/.hidden.js", "/console//index.html",
                "/console/index.html%00.js", "/console/README.md")) {
            HttpResponse<byte[]> r = get(p);
            assertEquals(404, r.statusCode(), p);
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null), p);
        }
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(base + "/console/index.html"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElse(null));
    }

    @Test
    void theControlApiGainsNoCorsOpening() throws Exception {
        HttpResponse<byte[]> r = get("/instances", "Authorization", "Bearer " + Rig.URSULA, "Origin", "https://elsewhere.example");
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
        HttpResponse<String> preflight = http.send(HttpRequest.newBuilder(URI.create(base + "/instances"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://elsewhere.example").header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization").build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(preflight.headers().firstValue("Access-Control-Allow-Origin").isEmpty(), preflight.headers().toString());
    }

    @Test
    void theInstanceLogIsPolledWithAfterAndCarriesTotals() {
        Api ursula = Api.of(base, Rig.URSULA);
        String iid = ursula.ready(misty.id().toString());
        String url = ursula.activate(iid);
        assertEquals(200, Rig.fetch(url + "/api/device").status());
        assertEquals(403, Api.of("", null).send("POST", url + "/api/reboot", "{}").status());
        assertTrue(robot.requests().stream().noneMatch(q -> q.path().contains("reboot")), "the refused request reached the robot");
        Rig.await(() -> ursula.get("/addon/mistyproxy/" + iid + "/log").json().path("requests").asInt() == 2,
                Duration.ofSeconds(5), () -> "two audit entries: " + ursula.get("/addon/mistyproxy/" + iid + "/log").json());
        // seq 1 is mistyproxy's own on_ready check (channel "safety"): shown, not counted as a request
        JsonNode all = ursula.get("/addon/mistyproxy/" + iid + "/log").json();
        assertEquals(List.of(1, 2, 3), seqs(all));
        assertEquals("safety", all.get("entries").get(0).get("channel").asText());
        assertEquals(3, all.get("next").asInt());
        assertEquals(1, all.get("blocked").asInt());
        assertEquals(0, ursula.get("/addon/mistyproxy/" + iid + "/log?after=3").json().get("entries").size());

        assertEquals(200, Rig.fetch(url + "/api/battery").status());
        Rig.await(() -> ursula.get("/addon/mistyproxy/" + iid + "/log?after=3").json().get("entries").size() == 1,
                Duration.ofSeconds(5), () -> "the fourth entry");
        JsonNode later = ursula.get("/addon/mistyproxy/" + iid + "/log?after=3").json();
        assertEquals(List.of(4), seqs(later));
        assertEquals("/api/battery", later.get("entries").get(0).get("path").asText());
        assertEquals(3, later.get("requests").asInt());

        Rig.Resp bad = ursula.get("/addon/mistyproxy/" + iid + "/log?after=-1");
        assertEquals(400, bad.status());
        assertTrue(bad.errorMessage().contains("after"), bad.body());
        // another user's instance log stays invisible
        assertEquals(404, Api.of(base, Rig.VICTOR).get("/addon/mistyproxy/" + iid + "/log?after=0").status());
    }

    private static List<Integer> seqs(JsonNode body) {
        List<Integer> out = new ArrayList<>();
        body.get("entries").forEach(e -> out.add(e.get("seq").asInt()));
        return out;
    }

    /**
     * The console builds its page from text nodes only; the CSP (Trusted Types) enforces it in the
     * browser, and this scan keeps HTML sinks and string-evaluated code out of the source.
     */
    @Test
    void theSourceHasNoHtmlSinksNoEvalAndNoInlineScript() throws IOException {
        Pattern sinks = Pattern.compile("innerHTML|outerHTML|insertAdjacentHTML|document\\.write|\\beval\\s*\\(|new\\s+Function"
                + "|setTimeout\\s*\\(\\s*['\"`]|setInterval\\s*\\(\\s*['\"`]|createContextualFragment|DOMParser");
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SITE)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text = Files.readString(f);
                if (f.toString().endsWith(".js")) {
                    Matcher m = sinks.matcher(text);
                    while (m.find()) found.add(SITE.relativize(f) + ": " + m.group());
                }
                if (f.toString().endsWith(".html")) {
                    Matcher inline = Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>|\\son[a-z]+\\s*=|<style|\\sstyle\\s*=|javascript:",
                            Pattern.CASE_INSENSITIVE).matcher(text);
                    while (inline.find()) found.add(SITE.relativize(f) + ": " + inline.group());
                }
            }
        }
        assertTrue(Files.readString(SITE.resolve("index.html")).contains("<script type=\"module\" src=\"js/main.js\"></script>"));
        assertEquals(List.of(), found);
    }
}
