package org.mistyproxy.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of the canonical form, over the shipped policies and the whole catalogue: a blocked
 * request stays blocked however it is spelled; canonicalisation is idempotent; the canonical form
 * of an allowed request is allowed and canonicalises to itself.
 */
class CanonicalisationPropertiesTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A request to vary: policy, method, path and named parameters (JSON values). */
    record Seed(String policy, String method, String path, Map<String, JsonNode> params) {
        @Override
        public String toString() {
            return policy + ": " + method + " " + path + " " + params;
        }
    }

    private static final Map<String, Policy> POLICIES = new LinkedHashMap<>();

    /**
     * Under default: block a misspelled path merely falls to the default, so the carve-outs of a
     * default: allow policy are where spelling could matter most.
     */
    private static final String ALLOW_BUT = String.join("\n",
            "default: allow",
            "rules:",
            "  - verbs: [GET, POST, PUT, DELETE, PATCH]",
            "    uri: /api/reboot",
            "    action: block",
            "  - verbs: [GET, POST, PUT, DELETE, PATCH]",
            "    uri: /api/system/**",
            "    action: block",
            "  - verbs: [GET, POST, PUT, DELETE, PATCH]",
            "    uri: /api/drive/time",
            "    schema:",
            "      - name: LinearVelocity",
            "        type: float",
            "        range: [-10, 10]",
            "      - name: Units",
            "        type: string",
            "        enum: [degrees]",
            "        optional: true",
            "");

    private static synchronized Policy policy(String name) {
        return POLICIES.computeIfAbsent(name, n -> n.equals("allow-but") ? Send.policy(ALLOW_BUT) : Policy.shipped(n));
    }

    private static JsonNode json(String s) {
        try {
            return MAPPER.readTree(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, JsonNode> params(String... kv) {
        Map<String, JsonNode> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], json(kv[i + 1]));
        }
        return m;
    }

    private static List<Seed> seeds(boolean wantAllowed) {
        List<Seed> out = new ArrayList<>();
        try {
            for (String name : List.of("misty-safe", "misty-readonly")) {
                for (ShippedPoliciesTest.Endpoint e : ShippedPoliciesTest.catalogue()) {
                    if (ShippedPoliciesTest.intended(name, e) != wantAllowed) {
                        continue;
                    }
                    Map<String, JsonNode> ps = new LinkedHashMap<>();
                    for (JsonNode p : e.params()) {
                        if (p.get("required").asBoolean()) {
                            ps.put(p.get("name").asText(), MAPPER.valueToTree(ShippedPoliciesTest.valueFor(e, p)));
                        }
                    }
                    out.add(new Seed(name, e.verb(), e.path(), ps));
                }
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        if (!wantAllowed) {
            // allowed endpoints with a forbidden value
            out.add(new Seed("misty-safe", "POST", "/api/drive/time",
                    params("LinearVelocity", "40", "AngularVelocity", "0", "TimeMs", "1000")));
            out.add(new Seed("misty-safe", "POST", "/api/drive/time",
                    params("LinearVelocity", "1", "AngularVelocity", "0", "TimeMs", "100000")));
            out.add(new Seed("misty-safe", "POST", "/api/images/display",
                    params("FileName", "\"http://evil.example/x.png\"", "IsUrl", "true")));
            out.add(new Seed("misty-safe", "POST", "/api/images/display", params("FileName", "\"a.png\"", "IsUrl", "true")));
            out.add(new Seed("misty-safe", "POST", "/api/audio/play", params("FileName", "\"https://evil.example/a.mp3\"")));
            out.add(new Seed("misty-safe", "POST", "/api/drive/stop", params("Hold", "true")));
            out.add(new Seed("misty-safe", "POST", "/api/head",
                    params("Pitch", "0", "Roll", "0", "Yaw", "0", "Units", "\"radians\"")));
            out.add(new Seed("misty-safe", "GET", "/api/cameras/rgb", params("FileName", "\"x\"")));
            out.add(new Seed("misty-readonly", "GET", "/api/cameras/rgb", params("DisplayOnScreen", "true")));
            out.add(new Seed("misty-safe", "POST", "/api/led", params("Red", "256", "Green", "0", "Blue", "0")));
            out.add(new Seed("allow-but", "POST", "/api/reboot", params("Core", "true")));
            out.add(new Seed("allow-but", "DELETE", "/api/reboot", params()));
            out.add(new Seed("allow-but", "POST", "/api/system/update", params()));
            out.add(new Seed("allow-but", "POST", "/api/system/update/component", params("Components", "[\"MC\"]")));
            out.add(new Seed("allow-but", "POST", "/api/drive/time", params("LinearVelocity", "40")));
            out.add(new Seed("allow-but", "GET", "/api/drive/time", params("LinearVelocity", "-11")));
            out.add(new Seed("allow-but", "POST", "/api/drive/time", params("LinearVelocity", "1", "Units", "\"radians\"")));
        }
        return out;
    }

    private static final List<Seed> BLOCKED = seeds(false);
    private static final List<Seed> ALLOWED = seeds(true);

    @Provide
    Arbitrary<Seed> blocked() {
        return Arbitraries.of(BLOCKED);
    }

    @Provide
    Arbitrary<Seed> allowed() {
        return Arbitraries.of(ALLOWED);
    }

    /** A spelling of the seed: what a client, or an attacker, might send for the same request. */
    record Variant(String method, String target, String body) {}

    static Variant vary(Seed s, Random r) {
        StringBuilder path = new StringBuilder();
        String[] segs = s.path().substring(1).split("/");
        for (String seg : segs) {
            path.append(r.nextInt(6) == 0 ? "//" : "/");
            if (r.nextInt(6) == 0) {
                path.append("./");
            }
            if (r.nextInt(6) == 0) {
                path.append("zz/../");
            }
            for (char c : seg.toCharArray()) {
                char cc = r.nextBoolean() ? Character.toUpperCase(c) : c;
                if (r.nextInt(5) == 0) {
                    String hex = String.format("%02X", (int) cc);
                    path.append('%').append(r.nextBoolean() ? hex : hex.toLowerCase(Locale.ROOT));
                } else {
                    path.append(cc);
                }
            }
        }
        if (r.nextInt(4) == 0) {
            path.append('/');
        }
        StringBuilder query = new StringBuilder();
        StringBuilder body = new StringBuilder();
        boolean single = r.nextBoolean();
        char q = single ? '\'' : '"';
        for (Map.Entry<String, JsonNode> e : s.params().entrySet()) {
            String name = recase(e.getKey(), r);
            JsonNode v = e.getValue();
            boolean inQuery = r.nextBoolean() && !v.isContainerNode();
            if (inQuery) {
                String text = v.isTextual() ? v.textValue() : v.toString();
                query.append(query.length() == 0 ? "" : "&").append(encode(name, r)).append('=').append(encode(text, r));
            } else {
                body.append(body.length() == 0 ? "{" : ", ").append(q).append(name).append(q).append(": ");
                if (v.isTextual() && single && !v.textValue().contains("'")) {
                    body.append('\'').append(v.textValue().replace("\\", "\\\\")).append('\'');
                } else {
                    body.append(v.toString());
                }
            }
        }
        String target = path + (query.length() > 0 ? "?" + query : "");
        return new Variant(s.method(), target, body.length() > 0 ? body.append('}').toString() : null);
    }

    private static String recase(String s, Random r) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            int k = r.nextInt(3);
            b.append(k == 0 ? Character.toUpperCase(c) : k == 1 ? Character.toLowerCase(c) : c);
        }
        return b.toString();
    }

    private static String encode(String s, Random r) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (Percent.unreserved(c) && r.nextInt(4) != 0) {
                b.append((char) c);
            } else {
                b.append('%').append(String.format("%02X", c));
            }
        }
        return b.toString();
    }

    @Property(tries = 1500)
    void aBlockedRequestIsNeverAllowedHoweverItIsSpelled(@ForAll("blocked") Seed seed, @ForAll long randomSeed) {
        Variant v = vary(seed, new Random(randomSeed));
        PolicyDecision d = Send.decide(policy(seed.policy()), v.method(), v.target(), v.body(), Map.of(),
                UUID.randomUUID().toString());
        assertFalse(d.allowed(), () -> seed + " spelled as " + v + " was allowed: " + d.reason());
    }

    @Property(tries = 800)
    void anAllowedRequestStaysAllowedAndItsCanonicalFormIsAFixedPoint(@ForAll("allowed") Seed seed,
            @ForAll long randomSeed) {
        Variant v = vary(seed, new Random(randomSeed));
        Policy p = policy(seed.policy());
        PolicyDecision d = Send.decide(p, v.method(), v.target(), v.body(), Map.of(), UUID.randomUUID().toString());
        assertTrue(d.allowed(), () -> seed + " spelled as " + v + ": " + d.reason());
        CanonicalRequest c = d.canonical();
        String body = c.body().map(b -> new String(b, StandardCharsets.UTF_8)).orElse(null);
        PolicyDecision again = Send.decide(p, c.method(), c.target(), body, Map.of(), UUID.randomUUID().toString());
        assertTrue(again.allowed(), () -> "canonical " + c + ": " + again.reason());
        assertEquals(c.target(), again.canonical().target());
        assertEquals(body, again.canonical().body().map(b -> new String(b, StandardCharsets.UTF_8)).orElse(null));
    }

    @Provide
    Arbitrary<String> rawPaths() {
        Arbitrary<String> piece = Arbitraries.oneOf(
                Arbitraries.strings().withChars("aBz09-._~").ofMinLength(1).ofMaxLength(4),
                Arbitraries.of(".", "..", "", "%2e", "%2E%2e", "%41", "%c3%a9", "%25", "%20", "%3F", "%23", "%C3", "%zz",
                        "%2F", ";x", "\\", "%00", "+", "!", "$", "'", "(", "*", ":", "@", "=", "&"));
        return piece.list().ofMinSize(0).ofMaxSize(8).map(l -> "/" + String.join("/", l));
    }

    @Property(tries = 2000)
    void pathCanonicalisationIsIdempotent(@ForAll("rawPaths") String raw) {
        CanonicalPath.Result once = CanonicalPath.of(raw);
        if (once.error() != null) {
            return;
        }
        CanonicalPath.Result twice = CanonicalPath.of(once.wire());
        assertEquals(null, twice.error(), () -> raw + " -> " + once.wire());
        assertEquals(once.wire(), twice.wire(), raw);
        assertEquals(once.decoded(), twice.decoded(), raw);
    }

    @Provide
    Arbitrary<String> rawQueries() {
        Arbitrary<String> token = Arbitraries.oneOf(
                Arbitraries.strings().withChars("aBz09-._~").ofMinLength(1).ofMaxLength(4),
                Arbitraries.of("%41", "%c3%a9", "+", "%2B", "%20", "%26", "%3D", "=", "%25", "!", "*", "'", "%0A"));
        Arbitrary<String> pair = Arbitraries.strings().withChars("abAB").ofMinLength(1).ofMaxLength(2)
                .flatMap(name -> token.list().ofMaxSize(3).map(v -> name + "=" + String.join("", v)));
        return pair.list().ofMaxSize(5).map(l -> String.join("&", l));
    }

    @Property(tries = 2000)
    void queryCanonicalisationIsIdempotent(@ForAll("rawQueries") String raw) {
        CanonicalQuery.Result once = CanonicalQuery.parse(raw);
        if (once.error() != null) {
            return;
        }
        String wire = CanonicalQuery.wire(once.params(), new String[once.params().size()]);
        if (once.canonicalRaw() != null) {
            assertEquals(wire, once.canonicalRaw(), "a query taken as already canonical must be");
        }
        CanonicalQuery.Result twice = CanonicalQuery.parse(wire);
        assertEquals(null, twice.error(), wire);
        assertEquals(once.params(), twice.params(), raw);
        assertEquals(wire, CanonicalQuery.wire(twice.params(), new String[twice.params().size()]));
    }

    @Provide
    Arbitrary<String> jsonTexts() {
        Arbitrary<String> scalar = Arbitraries.oneOf(
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.doubles().map(String::valueOf),
                Arbitraries.of("true", "false", "null", "1e2", "-0.0", "3.0", "'single'", "\"dou\\\"ble\"", "\"\\u00e9\"",
                        "'it\"s'", "9223372036854775807"));
        Arbitrary<String> entries = Arbitraries.strings().withChars("aBcD").ofMinLength(1).ofMaxLength(3).list()
                .ofMaxSize(5).uniqueElements(s -> s.toLowerCase(Locale.ROOT))
                .flatMap(keys -> scalar.list().ofSize(keys.size()).map(vals -> {
                    StringBuilder b = new StringBuilder("{");
                    for (int i = 0; i < keys.size(); i++) {
                        b.append(i == 0 ? "" : ",").append(i % 2 == 0 ? "'" : "\"").append(keys.get(i))
                                .append(i % 2 == 0 ? "'" : "\"").append(':').append(vals.get(i));
                    }
                    return b.append('}').toString();
                }));
        return entries.flatMap(o -> Arbitraries.of(o, "[" + o + "," + o + "]", "{'x': " + o + "}"));
    }

    @Property(tries = 1000)
    void jsonCanonicalisationIsIdempotent(@ForAll("jsonTexts") String text) {
        LenientJson json = new LenientJson();
        LenientJson.Parsed once = json.parse(text.getBytes(StandardCharsets.UTF_8));
        assertEquals(null, once.error(), text);
        byte[] first = json.writeBytes(once.value());
        LenientJson.Parsed twice = json.parse(first);
        assertEquals(null, twice.error(), text);
        assertArrayEquals(first, json.writeBytes(twice.value()), text);
    }
}
