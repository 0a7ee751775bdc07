package org.mistyproxy.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mistyproxy.policy.Send.body;
import static org.mistyproxy.policy.Send.decide;
import static org.mistyproxy.policy.Send.policy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The canonical form: what is refused as ambiguous, and what the relay is told to forward. */
class CanonicalRequestTest {
    private final Policy open = policy("default: allow\n");
    private final Policy drive = policy(String.join("\n",
            "default: block",
            "rules:",
            "  - verbs: [GET, POST, DELETE]",
            "    uri: /api/drive/time",
            "    default: block",
            "    schema:",
            "      - name: LinearVelocity",
            "        type: int",
            "        range: [-12, 12]",
            "      - name: Note",
            "        type: string",
            "        optional: true",
            ""));

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "/api/drive/time            | /api/drive/time",
        "/API/Drive/TIME            | /api/drive/time",
        "/api//drive///time         | /api/drive/time",
        "/api/drive/time/           | /api/drive/time",
        "/api/./drive/x/../time     | /api/drive/time",
        "/api/%64rive/time          | /api/drive/time",
        "/api/%2e/drive/%2E%2E/drive/time | /api/drive/time",
        "/api/%2564rive             | /api/%2564rive",
        "/api/caf%C3%A9             | /api/caf%C3%A9",
        "/api/a%20b                 | /api/a%20b",
        "/                          | /",
        "/..%2f                     | -",
    })
    void pathsAreCanonicalised(String raw, String wire) {
        PolicyDecision d = decide(open, "GET", raw, null);
        if (wire.equals("-")) {
            assertFalse(d.allowed());
            return;
        }
        assertTrue(d.allowed(), d.reason());
        assertEquals(wire, d.canonical().path());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "/api/a%2Fb                | an encoded / (%2F) in the path is refused",
        "/api/a%2fb                | an encoded / (%2F) in the path is refused",
        "/api/a%5Cb                | an encoded \\ (%5C) in the path is refused",
        "/api/a\\b                 | a \\ in the path is refused (some servers read it as /)",
        "/api/drive;jsessionid=1   | path parameters (;) are refused",
        "/api/drive%3Bx            | path parameters (;) are refused",
        "/api/a%00b                | the path contains a NUL character",
        "/api/a%0Ab                | the path contains a control character",
        "/api/a%7Fb                | the path contains a control character",
        "/api/a%C2%85b             | the path contains a control character",
        "/api/a%C0%AFb             | the path is not valid UTF-8 once percent-decoded",
        "/api/a%E0%80%AFb          | the path is not valid UTF-8 once percent-decoded",
        "/api/a%FFb                | the path is not valid UTF-8 once percent-decoded",
        "/api/a%ED%A0%80b          | the path is not valid UTF-8 once percent-decoded",
        "/api/a%zzb                | a % in the path is not followed by two hex digits",
        "/api/a%4                  | a % in the path is not followed by two hex digits",
        "/api/../../etc            | the path climbs above the root with ..",
        "/%2e%2e/api               | the path climbs above the root with ..",
        "api/drive                 | the path must start with /",
        "/api/caf\u00e9            | the path contains a raw non-ASCII character (percent-encode it as UTF-8)",
    })
    void ambiguousPathsAreRefused(String raw, String why) {
        PolicyDecision d = decide(open, "GET", raw.replace("\\\\", "\\"), null);
        assertFalse(d.allowed());
        assertEquals(403, d.httpStatus());
        assertEquals("canonical form", d.rule());
        assertTrue(d.reason().endsWith(": " + why + " (canonical form)"), d.reason());
    }

    @Test
    void theQueryIsDecodedOnceAndReEncodedCanonically() {
        PolicyDecision d = decide(open, "GET", "/api/x?a=1+2&b=%41%2b&c=caf%c3%a9&&d=%7E-._", null);
        assertTrue(d.allowed(), d.reason());
        assertEquals("a=1%202&b=A%2B&c=caf%C3%A9&d=~-._", d.canonical().query());
        assertEquals("/api/x?a=1%202&b=A%2B&c=caf%C3%A9&d=~-._", d.canonical().target());
        assertEquals("", decide(open, "GET", "/api/x?", null).canonical().query());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "a=1&A=2        | query parameter A is repeated (as a)",
        "a=1&%61=2      | query parameter a is repeated",
        "a              | query parameter a has no value",
        "=1             | a query parameter has no name",
        "a=1;b=2        | a ; in the query string is refused (some servers split parameters on it)",
        "a=%00          | the query contains a NUL character (parameter a)",
        "a=%C0%80       | the query is not valid UTF-8 once percent-decoded (parameter a)",
        "a=%G1          | a % in the query is not followed by two hex digits (parameter a)",
    })
    void ambiguousQueriesAreRefused(String query, String why) {
        PolicyDecision d = decide(open, "GET", "/api/x?" + query, null);
        assertFalse(d.allowed());
        assertEquals("blocked: GET /api/x: " + why + " (canonical form)", d.reason());
    }

    @Test
    void nullCountsAsAbsentAndIsNotForwarded() {
        PolicyDecision d = decide(drive, "POST", "/api/drive/time", "{\"LinearVelocity\": 3, \"Note\": null, \"Other\": null}");
        assertTrue(d.allowed(), d.reason());
        assertEquals("{\"LinearVelocity\":3}", body(d));
        assertEquals("blocked: POST /api/drive/time: LinearVelocity is required (rule 1, test.yaml:3)",
                decide(drive, "POST", "/api/drive/time", "{\"LinearVelocity\": null}").reason());
    }

    @Test
    void bodyKeysThatDifferOnlyInCaseAreRefused() {
        assertEquals("blocked: POST /api/drive/time: the JSON body is refused: key \"linearvelocity\" appears twice"
                + " (\"LinearVelocity\"); names compare case-insensitively (rule 1, test.yaml:3)",
                decide(drive, "POST", "/api/drive/time", "{\"LinearVelocity\": 3, \"linearvelocity\": 40}").reason());
    }

    @Test
    void theSameNameInQueryAndBodyIsRefused() {
        assertEquals("blocked: POST /api/drive/time: linearvelocity is sent both in the query and in the body"
                + " (rule 1, test.yaml:3)",
                decide(drive, "POST", "/api/drive/time?LinearVelocity=3", "{\"linearvelocity\": 40}").reason());
    }

    @Test
    void theSchemaAppliesWhereverTheParameterArrivesOnAnyVerb() {
        String why = "LinearVelocity=40 is outside [-12, 12] (rule 1, test.yaml:3)";
        assertTrue(decide(drive, "GET", "/api/drive/time", "{\"LinearVelocity\": 40}").reason().endsWith(why));
        assertTrue(decide(drive, "POST", "/api/drive/time?LinearVelocity=40", null).reason().endsWith(why));
        assertTrue(decide(drive, "DELETE", "/api/drive/time?linearvelocity=40", null).reason().endsWith(why));
        PolicyDecision get = decide(drive, "GET", "/api/drive/time", "{'LinearVelocity': 4}");
        assertTrue(get.allowed(), get.reason());
        assertEquals("{\"LinearVelocity\":4}", body(get));
    }

    @Test
    void lenientJsonIsReadAndForwardedStrictly() {
        PolicyDecision d = decide(drive, "POST", "/api/drive/time", "{'LinearVelocity': 4, 'Note': 'it''s \"x\"'}");
        assertFalse(d.allowed(), "'' is not an escape in JSON");
        PolicyDecision e = decide(drive, "POST", "/api/drive/time", " {'LinearVelocity': 4, 'Note': 'say \"hi\"'} \n");
        assertTrue(e.allowed(), e.reason());
        assertEquals("{\"LinearVelocity\":4,\"Note\":\"say \\\"hi\\\"\"}", body(e));
        assertEquals("application/json", e.canonical().contentType());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{\"a\": 1, \"a\": 2}                | duplicate key 'a'",
        "{\"a\": 1} x                        | unexpected text after the JSON value",
        "{\"a\": 1}{\"b\": 2}                | unexpected text after the JSON value",
        "{\"a\": NaN}                        | NaN and Infinity are not numbers in JSON",
        "{\"a\": -Infinity}                  | NaN and Infinity are not numbers in JSON",
        "{\"a\": 1e999}                      | number is outside the range of a double",
        "{\"a\": [[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]} | nested deeper than 16 levels",
    })
    void ambiguousJsonIsRefused(String json, String why) {
        PolicyDecision d = decide(open, "POST", "/api/x", json);
        assertFalse(d.allowed());
        assertEquals("blocked: POST /api/x: the JSON body is refused: " + why + " (default, test.yaml:1)", d.reason());
    }

    @Test
    void invalidUtf8AndByteOrderMarksInBodiesAreRefused() {
        RequestCheck c = open.check(new RequestHead("POST", "/api/x", null, Map.of(), 8), "i");
        assertEquals("blocked: POST /api/x: the JSON body is refused: not valid UTF-8 (default, test.yaml:1)",
                c.withBody(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, '"'}).reason());
        assertEquals("blocked: POST /api/x: the JSON body is refused: starts with a byte-order mark (default, test.yaml:1)",
                c.withBody("\uFEFF{}".getBytes(java.nio.charset.StandardCharsets.UTF_8)).reason());
    }

    @Test
    void methodOverrideHeadersAreRefused() {
        for (String h : List.of("x-http-method-override", "x-http-method", "x-method-override")) {
            PolicyDecision d = decide(open, "POST", "/api/drive", "{}", Map.of(h, List.of("DELETE")), "i");
            assertFalse(d.allowed());
            assertEquals("blocked: POST /api/drive: the method-override header " + h + " is refused (the robot could act"
                    + " on a method the policy did not check) (canonical form)", d.reason());
        }
    }

    @Test
    void unknownOrLowerCaseMethodsAreRefused() {
        assertEquals("blocked: get /api/x: the method is not one the robot serves (GET, POST, PUT, DELETE, PATCH, HEAD,"
                + " OPTIONS) (canonical form)", decide(open, "get", "/api/x", null).reason());
        assertFalse(decide(open, "TRACE", "/api/x", null).allowed());
    }

    @Test
    void aBlankBodyIsNoBody() {
        PolicyDecision d = decide(open, "POST", "/api/x", "  \n");
        assertTrue(d.allowed());
        assertTrue(d.canonical().body().isEmpty());
        assertEquals(null, d.canonical().contentType());
    }

    @Test
    void nonJsonBodiesNeedARuleThatAllowsThem() {
        PolicyDecision d = decide(open, "POST", "/api/images", "xxxx", Map.of("content-type",
                List.of("multipart/form-data; boundary=x")), "i");
        assertEquals("blocked: POST /api/images: a body of type multipart/form-data; boundary=x is allowed only by a rule"
                + " with raw_body: true (default, test.yaml:1)", d.reason());
        assertTrue(decide(open, "POST", "/api/x", "{}", Map.of("content-type", List.of("text/plain;charset=UTF-8")), "i")
                .allowed());
    }

    @Test
    void headIsDecidedByTheRulesForGet() {
        Policy p = policy("default: allow\nrules:\n  - verb: GET\n    uri: /api/logs\n    action: block\n");
        assertEquals("blocked: HEAD /api/logs: the rule blocks it (rule 1, test.yaml:3)",
                decide(p, "HEAD", "/api/logs", null).reason());
    }

    @Test
    void twoContentTypesAreRefused() {
        PolicyDecision d = decide(open, "POST", "/api/x", "{}",
                Map.of("content-type", List.of("application/json", "multipart/form-data")), "i");
        assertEquals("blocked: POST /api/x: more than one Content-Type header is refused (canonical form)", d.reason());
    }

    @Test
    void largeInputsCostLinearTime() {
        StringBuilder many = new StringBuilder("{");
        for (int i = 0; i < 40000; i++) {
            many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":1");
        }
        PolicyDecision ok = decide(open, "POST", "/api/x", many + "}");
        assertTrue(ok.allowed(), ok.reason());
        PolicyDecision dup = decide(open, "POST", "/api/x", many + ",\"K39999\":2}");
        assertEquals("blocked: POST /api/x: the JSON body is refused: key \"K39999\" appears twice (\"k39999\");"
                + " names compare case-insensitively (default, test.yaml:1)", dup.reason());
        StringBuilder query = new StringBuilder();
        for (int i = 0; i < 65; i++) {
            query.append(i == 0 ? "" : "&").append("p").append(i).append("=1");
        }
        assertEquals("blocked: GET /api/x: more than 64 query parameters (canonical form)",
                decide(open, "GET", "/api/x?" + query, null).reason());
    }
}
