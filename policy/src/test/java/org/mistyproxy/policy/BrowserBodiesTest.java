package org.mistyproxy.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mistyproxy.policy.Send.body;
import static org.mistyproxy.policy.Send.decide;
import static org.mistyproxy.policy.Send.policy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Bodies as browser apps send them (issue 10, items 5 and 6): JSON text under a form or other
 * type is JSON, checked and forwarded canonical; anything else under such a type is a raw upload;
 * encoded bodies are refused.
 */
class BrowserBodiesTest {
    private static final String FORM = "application/x-www-form-urlencoded; charset=UTF-8";
    private final Policy drive = policy("default: block\nrules:\n  - verb: POST\n    uri: /api/drive\n"
            + "    schema:\n      - name: LinearVelocity\n        type: int\n        range: [-30, 30]\n"
            + "  - verb: POST\n    uri: /api/images\n    raw_body: true\n"
            + "    schema:\n      - name: FileName\n        type: string\n        optional: true\n"
            + "        pattern: '[a-z]+\\.png'\n");

    private static Map<String, List<String>> type(String t) {
        return Map.of("content-type", List.of(t));
    }

    @Test
    void jsonTextUnderAFormTypeIsCheckedAndForwardedAsJson() {
        PolicyDecision d = decide(drive, "POST", "/api/drive", "{\"LinearVelocity\": 20.0, \"x\": null}",
                type(FORM), "i");
        assertTrue(d.allowed(), d.reason());
        assertEquals("{\"LinearVelocity\":20}", body(d));
        assertEquals("application/json", d.canonical().contentType());
        assertFalse(d.canonical().streamBody());
        PolicyDecision out = decide(drive, "POST", "/api/drive", "{\"LinearVelocity\": 40}", type(FORM), "i");
        assertEquals("blocked: POST /api/drive: LinearVelocity=40 is outside [-30, 30] (rule 1, test.yaml:3)",
                out.reason());
        PolicyDecision octet = decide(drive, "POST", "/api/drive", "{\"LinearVelocity\": 5}",
                type("application/octet-stream"), "i");
        assertTrue(octet.allowed(), octet.reason());
        assertEquals("application/json", octet.canonical().contentType());
    }

    @Test
    void aNonJsonBodyUnderAFormTypeIsARawUploadOnlyARawBodyRuleAdmits() {
        PolicyDecision d = decide(drive, "POST", "/api/drive", "LinearVelocity=20", type(FORM), "i");
        assertFalse(d.allowed());
        assertEquals(403, d.httpStatus());
        assertEquals("blocked: POST /api/drive: a body of type application/x-www-form-urlencoded that is not JSON"
                + " is allowed only by a rule with raw_body: true (rule 1, test.yaml:3)", d.reason());
        PolicyDecision raw = decide(drive, "POST", "/api/images", "FileName=x.exe", type(FORM), "i");
        assertTrue(raw.allowed(), raw.reason());
        assertArrayEquals("FileName=x.exe".getBytes(StandardCharsets.UTF_8), raw.canonical().body().orElseThrow());
        assertEquals(FORM, raw.canonical().contentType());
        // ...but JSON under the same type on the same rule is checked like any JSON body
        assertEquals("blocked: POST /api/images: FileName=\"x.exe\" does not match the pattern [a-z]+\\.png"
                + " (rule 2, test.yaml:9)", decide(drive, "POST", "/api/images", "{\"FileName\": \"x.exe\"}",
                type(FORM), "i").reason());
    }

    @Test
    void jsonTextRefusedAsJsonDoesNotSlipThroughAsAnUpload() {
        // the robot would read the last FileName; the policy refuses the ambiguity even on a raw_body rule
        PolicyDecision d = decide(drive, "POST", "/api/images", " {\"FileName\": \"a.png\", \"FileName\": \"x.exe\"}",
                type(FORM), "i");
        assertFalse(d.allowed());
        assertEquals("blocked: POST /api/images: the JSON body is refused: duplicate key 'FileName' (rule 2, test.yaml:9)",
                d.reason());
    }

    @Test
    void multipartStaysAnUploadEvenWhenItsTextIsJson() {
        PolicyDecision d = decide(drive, "POST", "/api/drive", "{\"LinearVelocity\": 20}",
                type("multipart/form-data; boundary=x"), "i");
        assertEquals("blocked: POST /api/drive: a body of type multipart/form-data; boundary=x is allowed only by a"
                + " rule with raw_body: true (rule 1, test.yaml:3)", d.reason());
    }

    @Test
    void aBinaryUploadOfDeclaredLengthStillStreamsUnreadOnARawBodyRule() {
        RequestCheck c = drive.check(new RequestHead("POST", "/api/images", null, type("image/jpeg"), 100_000), "i");
        assertFalse(c.needsBody());
        assertTrue(c.decision().allowed(), c.decision().reason());
        assertTrue(c.decision().canonical().streamBody());
        assertEquals("image/jpeg", c.decision().canonical().contentType());
        // chunked, it is read (bounded) and then it is whatever its bytes are
        RequestCheck chunked = drive.check(new RequestHead("POST", "/api/images", null, type("image/jpeg"), -1), "i");
        assertTrue(chunked.needsBody());
        assertEquals("application/json", chunked.withBody("{\"FileName\": \"a.png\"}".getBytes(StandardCharsets.UTF_8))
                .canonical().contentType());
        // on a rule without raw_body, a binary type is read to see whether it is JSON
        assertTrue(drive.check(new RequestHead("POST", "/api/drive", null, type("image/jpeg"), 100), "i").needsBody());
    }

    @Test
    void aCandidateLargerThanTheRuleAllowsIsTooLarge() {
        RequestCheck c = drive.check(new RequestHead("POST", "/api/drive", null, type(FORM), 2 << 20), "i");
        assertEquals(413, c.decision().httpStatus());
    }

    @Test
    void encodedBodiesAreRefusedAndIdentityIsNot() {
        for (String enc : List.of("gzip", "identity, gzip", "br", "GZIP")) {
            PolicyDecision d = decide(drive, "POST", "/api/drive", "{\"LinearVelocity\": 5}",
                    Map.of("content-encoding", List.of(enc)), "i");
            assertFalse(d.allowed(), enc);
            assertEquals(403, d.httpStatus());
            String shown = enc.startsWith("identity") ? "gzip" : enc;
            assertEquals("blocked: POST /api/drive: a body with Content-Encoding: " + shown
                    + " is refused (the robot's API takes only unencoded bodies) (canonical form)", d.reason(), enc);
        }
        assertTrue(decide(drive, "POST", "/api/drive", "{\"LinearVelocity\": 5}",
                Map.of("content-encoding", List.of("identity")), "i").allowed());
    }
}
