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
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The extensions to the rrhttp format, one example each (the same ones README.md shows). */
class ExtensionsTest {

    @Test
    void verbsListsAndEveryHttpMethod() {
        Policy p = policy("default: block\nrules:\n  - verbs: [PUT, delete, PATCH, HEAD, OPTIONS]\n    uri: /api/x\n");
        for (String m : List.of("PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")) {
            assertTrue(decide(p, m, "/api/x", null).allowed(), m);
        }
        assertFalse(decide(p, "GET", "/api/x", null).allowed());
        assertFalse(decide(p, "POST", "/api/x", null).allowed());
    }

    @Test
    void starMatchesOneSegmentAndDoubleStarTheRest() {
        Policy p = policy(String.join("\n",
                "default: block",
                "rules:",
                "  - verb: GET",
                "    uri: /api/*/list",
                "  - verb: GET",
                "    uri: /api/slam/**",
                ""));
        assertTrue(decide(p, "GET", "/api/audio/list", null).allowed());
        assertTrue(decide(p, "GET", "/api/Images/LIST/", null).allowed());
        assertFalse(decide(p, "GET", "/api/list", null).allowed());
        assertFalse(decide(p, "GET", "/api/a/b/list", null).allowed());
        assertTrue(decide(p, "GET", "/api/slam", null).allowed());
        assertTrue(decide(p, "GET", "/api/slam/map/ids", null).allowed());
        assertFalse(decide(p, "GET", "/api/slamx", null).allowed());
        assertEquals("rule 2, test.yaml:5", decide(p, "GET", "/api/slam/status", null).rule());
    }

    @Test
    void leaseMotionMarksAllowedDecisionsOfItsRuleOnly() {
        Policy p = policy("default: allow\nrules:\n  - verb: POST\n    uri: /api/drive\n    lease: motion\n");
        assertTrue(decide(p, "POST", "/api/drive", "{\"LinearVelocity\": 10}").leased());
        assertTrue(decide(p, "POST", "/API/Drive/", null).leased(), "the canonical path decides, as for every rule");
        assertFalse(decide(p, "POST", "/api/drive/time", "{}").leased(), "the default allows but leases nothing");
        assertFalse(decide(p, "GET", "/api/drive", null).leased(), "another verb is another command");
        assertTrue(p.summary().startsWith("1 rule (1 leased)"), p.summary());
    }

    @Test
    void actionBlockCarvesOutOfADefaultAllow() {
        Policy p = policy("default: allow\nrules:\n  - verb: POST\n    uri: /api/reboot\n    action: block\n");
        PolicyDecision d = decide(p, "POST", "/api/reboot", "{}");
        assertEquals("blocked: POST /api/reboot: the rule blocks it (rule 1, test.yaml:3)", d.reason());
        assertEquals("blocked: POST /api/reboot: the rule blocks it (rule 1, test.yaml:3)",
                decide(p, "POST", "/API/%72eboot/", null).reason());
        assertTrue(decide(p, "POST", "/api/led", "{}").allowed());
    }

    @Test
    void stringsWithMaxLengthPatternAndEnum() {
        Policy p = policy(String.join("\n",
                "default: block",
                "rules:",
                "  - verb: POST",
                "    uri: /api/tts/speak",
                "    schema:",
                "      - name: Text",
                "        type: string",
                "        max_length: 5",
                "      - name: Voice",
                "        type: string",
                "        pattern: '[a-z]+-[A-Z]+'",
                "        optional: true",
                "      - name: Layer",
                "        type: string",
                "        enum: [Left, Right]",
                "        optional: true",
                ""));
        assertTrue(decide(p, "POST", "/api/tts/speak", "{\"Text\": \"h\u00e9llo\", \"Voice\": \"en-US\", \"Layer\": \"Left\"}")
                .allowed());
        assertEquals("blocked: POST /api/tts/speak: Text is longer than 5 characters (rule 1, test.yaml:3)",
                decide(p, "POST", "/api/tts/speak", "{\"Text\": \"hello!\"}").reason());
        assertEquals("blocked: POST /api/tts/speak: Voice=\"en-US-x\" does not match the pattern [a-z]+-[A-Z]+"
                + " (rule 1, test.yaml:3)", decide(p, "POST", "/api/tts/speak", "{\"Text\": \"a\", \"Voice\": \"en-US-x\"}")
                .reason());
        assertEquals("blocked: POST /api/tts/speak: Layer=\"left\" is not one of Left, Right (rule 1, test.yaml:3)",
                decide(p, "POST", "/api/tts/speak?Layer=left&Text=a", null).reason());
        assertEquals("blocked: POST /api/tts/speak: Text=5 is not a string (rule 1, test.yaml:3)",
                decide(p, "POST", "/api/tts/speak", "{\"Text\": 5}").reason());
    }

    @Test
    void objectAndArrayTypes() {
        Policy p = policy("default: block\nrules:\n  - verb: POST\n    uri: /api/skills/event\n    schema:\n"
                + "      - name: Payload\n        type: object\n      - name: Tags\n        type: array\n        optional: true\n");
        PolicyDecision d = decide(p, "POST", "/api/skills/event", "{\"Payload\": {'a': [1, 2.5]}, \"Tags\": []}");
        assertTrue(d.allowed(), d.reason());
        assertEquals("{\"Payload\":{\"a\":[1,2.5]},\"Tags\":[]}", body(d));
        assertEquals("blocked: POST /api/skills/event: Payload=\"x\" is not an object (rule 1, test.yaml:3)",
                decide(p, "POST", "/api/skills/event", "{\"Payload\": \"x\"}").reason());
        assertEquals("blocked: POST /api/skills/event: Payload must be an object in a JSON body, not text in the query"
                + " string (rule 1, test.yaml:3)", decide(p, "POST", "/api/skills/event?Payload=x", null).reason());
    }

    @Test
    void rateIsATokenBucketPerInstancePerRule() throws PolicyException {
        AtomicLong now = new AtomicLong(0);
        Policy p = Policy.parse(String.join("\n",
                "default: block",
                "rules:",
                "  - verb: POST",
                "    uri: /api/drive",
                "    rate: 2/s",
                "  - verb: POST",
                "    uri: /api/head",
                "    rate: 60/min",
                ""), "test.yaml", now::get);
        assertTrue(decide(p, "POST", "/api/drive", null, Map.of(), "a").allowed());
        assertTrue(decide(p, "POST", "/api/drive", null, Map.of(), "a").allowed());
        PolicyDecision third = decide(p, "POST", "/api/drive", null, Map.of(), "a");
        assertFalse(third.allowed());
        assertEquals(429, third.httpStatus());
        assertEquals("blocked: POST /api/drive: more than 2/s (rate limit) (rule 1, test.yaml:3)", third.reason());
        assertTrue(decide(p, "POST", "/api/drive", null, Map.of(), "b").allowed(), "another instance has its own bucket");
        assertTrue(decide(p, "POST", "/api/head", null, Map.of(), "a").allowed(), "another rule has its own bucket");
        now.addAndGet(499_000_000L);
        assertFalse(decide(p, "POST", "/api/drive", null, Map.of(), "a").allowed());
        now.addAndGet(2_000_000L);
        assertTrue(decide(p, "POST", "/api/drive", null, Map.of(), "a").allowed(), "refilled one token after 0.5 s");
        assertFalse(decide(p, "POST", "/api/drive", null, Map.of(), "a").allowed());
        now.addAndGet(60_000_000_000L);
        assertTrue(decide(p, "POST", "/api/drive", null, Map.of(), "a").allowed());
        assertTrue(decide(p, "POST", "/api/drive", null, Map.of(), "a").allowed());
        assertFalse(decide(p, "POST", "/api/drive", null, Map.of(), "a").allowed(), "the bucket holds at most 2");
    }

    @Test
    void refusedRequestsDoNotSpendTokens() throws PolicyException {
        AtomicLong now = new AtomicLong(0);
        Policy p = Policy.parse("default: block\nrules:\n  - verb: POST\n    uri: /api/drive\n    rate: 1/min\n"
                + "    schema:\n      - name: V\n        type: int\n        range: [0, 1]\n", "test.yaml", now::get);
        assertFalse(decide(p, "POST", "/api/drive", "{\"V\": 5}").allowed());
        assertTrue(decide(p, "POST", "/api/drive", "{\"V\": 1}").allowed());
    }

    @Test
    void maxBodyBytesDefaultsToOneMebibyteAndAnswers413() {
        Policy p = policy("default: block\nrules:\n  - verb: POST\n    uri: /api/a\n    max_body_bytes: 10\n"
                + "  - verb: POST\n    uri: /api/b\n");
        RequestCheck small = p.check(new RequestHead("POST", "/api/a", null, Map.of(), -1), "i");
        assertTrue(small.needsBody());
        assertEquals(10, small.bodyLimit());
        PolicyDecision tooBig = small.bodyTooLarge();
        assertEquals(413, tooBig.httpStatus());
        assertEquals("blocked: POST /api/a: the body is larger than 10 bytes (max_body_bytes) (rule 1, test.yaml:3)",
                tooBig.reason());
        PolicyDecision declared = p.check(new RequestHead("POST", "/api/a", null, Map.of(), 11), "i").decision();
        assertEquals(413, declared.httpStatus(), "a declared Content-Length over the cap is refused before reading");
        assertEquals(413, small.withBody(new byte[11]).httpStatus());
        assertEquals(1 << 20, p.check(new RequestHead("POST", "/api/b", null, Map.of(), 5), "i").bodyLimit());
        assertEquals("blocked: POST /api/b: the body is larger than 1048576 bytes (the default max_body_bytes)"
                + " (rule 2, test.yaml:6)", p.check(new RequestHead("POST", "/api/b", null, Map.of(), 2 << 20), "i")
                .decision().reason());
    }

    @Test
    void rawBodiesAreStreamedUnreadOnlyWhereARuleSaysSo() {
        Policy p = policy("default: block\nrules:\n  - verb: POST\n    uri: /api/images\n    raw_body: true\n"
                + "    max_body_bytes: 4194304\n    schema:\n      - name: FileName\n        type: string\n"
                + "        pattern: '[a-z]+\\.png'\n");
        Map<String, List<String>> multipart = Map.of("content-type", List.of("multipart/form-data; boundary=zz"));
        RequestCheck c = p.check(new RequestHead("POST", "/api/images", null, multipart, 3000), "i");
        assertFalse(c.needsBody());
        PolicyDecision d = c.decision();
        assertTrue(d.allowed(), d.reason());
        assertTrue(d.canonical().streamBody());
        assertTrue(d.canonical().body().isEmpty());
        assertEquals("multipart/form-data; boundary=zz", d.canonical().contentType());
        assertEquals(413, p.check(new RequestHead("POST", "/api/images", null, multipart, 4194305), "i").decision()
                .httpStatus());
        // chunked: read (bounded) and forwarded byte for byte
        RequestCheck chunked = p.check(new RequestHead("POST", "/api/images", null, multipart, -1), "i");
        assertTrue(chunked.needsBody());
        byte[] raw = "--zz\r\nbinary\u0000stuff".getBytes(StandardCharsets.UTF_8);
        PolicyDecision cd = chunked.withBody(raw);
        assertTrue(cd.allowed());
        assertFalse(cd.canonical().streamBody());
        assertArrayEquals(raw, cd.canonical().body().orElseThrow());
        // JSON bodies on the same rule are still parsed and checked
        assertEquals("blocked: POST /api/images: FileName=\"x.exe\" does not match the pattern [a-z]+\\.png"
                + " (rule 1, test.yaml:3)", decide(p, "POST", "/api/images", "{\"FileName\": \"x.exe\"}").reason());
        // query parameters are still checked on a raw upload
        assertFalse(p.check(new RequestHead("POST", "/api/images", "FileName=x.exe", multipart, 10), "i").decision()
                .allowed());
    }

    @Test
    void redactRemovesKeysFromResponses() {
        Policy p = policy("default: block\nrules:\n  - verb: GET\n    uri: /api/device\n"
                + "    redact: [result.currentPreSharedKey, '**.password', 'result.networks.*.key']\n");
        PolicyDecision d = decide(p, "GET", "/api/device", null);
        assertFalse(d.redaction().isEmpty());
        String response = "{\"result\": {\"currentProfileName\": \"ap\", \"CurrentPreSharedKey\": \"s3cret\","
                + " \"wifi\": {\"Password\": \"x\", \"ok\": 1}, \"networks\": [{\"key\": \"k\", \"ssid\": \"n\"}]},"
                + " \"status\": \"Success\"}";
        String out = new String(d.redaction().apply(response.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        assertEquals("{\"result\":{\"currentProfileName\":\"ap\",\"wifi\":{\"ok\":1},\"networks\":[{\"ssid\":\"n\"}]},"
                + "\"status\":\"Success\"}", out);
        assertEquals("{\"status\":\"Failed\",\"error\":\"response withheld: the policy redacts it but it is not valid JSON\"}",
                new String(d.redaction().apply("not json".getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8));
        assertTrue(Redaction.none().isEmpty());
    }
}
