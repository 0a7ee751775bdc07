package org.mistyproxy.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mistyproxy.policy.Send.body;
import static org.mistyproxy.policy.Send.decide;
import static org.mistyproxy.policy.Send.policy;

import org.junit.jupiter.api.Test;

/**
 * Every rule of the rrhttp format, on an rrhttp file loaded unchanged, and the deliberate
 * corrections (README.md, "Differences from rrhttp").
 */
class RrhttpCompatibilityTest {
    /** An rrhttp policy as owners write them today (only GET and POST, equality on uri). */
    static final String RRHTTP = String.join("\n",
            "default: block",
            "rules:",
            "  - verb: POST",
            "    uri: /api/drive/time",
            "    has_body: true",
            "    has_params: false",
            "    default: block",
            "    schema:",
            "      - name: LinearVelocity",
            "        type: int",
            "        range: [-12, 12]",
            "        optional: false",
            "        case_sensitive: true",
            "      - name: AngularVelocity",
            "        type: int",
            "        range: [-12, 12]",
            "      - name: TimeMs",
            "        type: int",
            "        range: [100, 5000]",
            "  - verb: GET",
            "    uri: /api/cameras/rgb",
            "    has_body: false",
            "    default: block",
            "    schema:",
            "      - name: Base64",
            "        type: bool",
            "        optional: true",
            "      - name: Width",
            "        type: int",
            "        range: [320, 4160]",
            "        optional: true",
            "  - verb: POST",
            "    uri: /api/led",
            "    schema:",
            "      - name: Red",
            "        type: int",
            "        range: [0, 255]",
            "  - verb: POST",
            "    uri: /api/head",
            "    default: allow",
            "    schema:",
            "      - name: Pitch",
            "        type: float",
            "        range: [-40, 26]",
            "  - verb: GET",
            "    uri: /api/battery",
            "    has_params: false",
            "  - verb: GET",
            "    uri: /api/battery",
            "  - verb: GET",
            "    uri: /api/help",
            "    has_params: true",
            "  - verb: POST",
            "    uri: /api/blink",
            "    schema:",
            "      - name: Blink",
            "        type: bool",
            "");

    private final Policy p = policy(RRHTTP);

    private static final String DRIVE_OK = "{\"LinearVelocity\": 5, \"AngularVelocity\": 0, \"TimeMs\": 1000}";

    @Test
    void aMatchingRuleThatIsSatisfiedAllows() {
        PolicyDecision d = decide(p, "POST", "/api/drive/time", DRIVE_OK);
        assertTrue(d.allowed(), d.reason());
        assertEquals(200, d.httpStatus());
        assertEquals("rule 1, test.yaml:3", d.rule());
        assertEquals("allowed: POST /api/drive/time (rule 1, test.yaml:3)", d.reason());
    }

    @Test
    void aRequestNoRuleMatchesGetsTheFileDefault() {
        PolicyDecision blocked = decide(p, "POST", "/api/reboot", "{}");
        assertFalse(blocked.allowed());
        assertEquals(403, blocked.httpStatus());
        assertEquals("default", blocked.rule());
        assertEquals("blocked: POST /api/reboot: no rule matches and the default is block (default, test.yaml:1)",
                blocked.reason());
        Policy open = policy("default: allow\nrules:\n  - verb: POST\n    uri: /api/reboot\n    has_body: false\n");
        assertTrue(decide(open, "POST", "/api/drive", "{\"x\": 1}").allowed());
        assertEquals("allowed: POST /api/drive: no rule matches and the default is allow (default, test.yaml:1)",
                decide(open, "POST", "/api/drive", "{\"x\": 1}").reason());
    }

    @Test
    void theVerbMustBeEqual() {
        // GET /api/drive/time matches no rule (the rule is for POST), so the default decides
        assertEquals("default", decide(p, "GET", "/api/drive/time", null).rule());
        assertEquals("default", decide(p, "POST", "/api/cameras/rgb", null).rule());
    }

    @Test
    void theUriIsComparedForEqualityNotAsAPrefix() {
        assertEquals("default", decide(p, "POST", "/api/drive/time/extra", DRIVE_OK).rule());
        assertEquals("default", decide(p, "POST", "/api/drive", DRIVE_OK).rule());
    }

    @Test
    void theFirstMatchingRuleDecidesEvenIfALaterOneWouldAllow() {
        // rule 5 (has_params: false) matches GET /api/battery first; rule 6 would allow params
        PolicyDecision d = decide(p, "GET", "/api/battery?x=1", null);
        assertFalse(d.allowed());
        assertEquals("blocked: GET /api/battery: the rule allows no query parameters (has_params: false)"
                + " (rule 5, test.yaml:45)", d.reason());
        assertTrue(decide(p, "GET", "/api/battery", null).allowed());
    }

    @Test
    void hasBodyTrueRequiresABody() {
        PolicyDecision d = decide(p, "POST", "/api/drive/time", null);
        assertEquals("blocked: POST /api/drive/time: the rule requires a body (has_body: true) (rule 1, test.yaml:3)",
                d.reason());
    }

    @Test
    void hasBodyFalseRefusesABody() {
        PolicyDecision d = decide(p, "GET", "/api/cameras/rgb", "{\"Base64\": true}");
        assertEquals("blocked: GET /api/cameras/rgb: the rule allows no body (has_body: false) (rule 2, test.yaml:20)",
                d.reason());
        assertTrue(decide(p, "GET", "/api/cameras/rgb?Base64=true", null).allowed());
    }

    @Test
    void hasBodyAbsentAcceptsEither() {
        assertTrue(decide(p, "POST", "/api/led", "{\"Red\": 3}").allowed());
        assertTrue(decide(p, "POST", "/api/led?Red=3", null).allowed());
    }

    @Test
    void hasParamsTrueRequiresAQueryAndFalseRefusesOne() {
        assertEquals("blocked: GET /api/help: the rule requires query parameters (has_params: true) (rule 7, test.yaml:50)",
                decide(p, "GET", "/api/help", null).reason());
        assertTrue(decide(p, "GET", "/api/help?Command=x", null).allowed());
        assertEquals("blocked: POST /api/drive/time: the rule allows no query parameters (has_params: false)"
                + " (rule 1, test.yaml:3)", decide(p, "POST", "/api/drive/time?TimeMs=100", DRIVE_OK).reason());
    }

    @Test
    void ruleDefaultBlockRefusesKeysNotInTheSchema() {
        PolicyDecision d = decide(p, "POST", "/api/drive/time",
                "{\"LinearVelocity\": 5, \"AngularVelocity\": 0, \"TimeMs\": 1000, \"Degree\": 3}");
        assertEquals("blocked: POST /api/drive/time: Degree is not in the rule's schema (default: block)"
                + " (rule 1, test.yaml:3)", d.reason());
        assertEquals("blocked: GET /api/cameras/rgb: FileName is not in the rule's schema (default: block)"
                + " (rule 2, test.yaml:20)", decide(p, "GET", "/api/cameras/rgb?FileName=x", null).reason());
    }

    @Test
    void ruleDefaultAllowOrAbsentIgnoresKeysNotInTheSchema() {
        assertTrue(decide(p, "POST", "/api/head", "{\"Pitch\": 1.5, \"Velocity\": 80}").allowed());
        assertTrue(decide(p, "POST", "/api/led", "{\"Red\": 1, \"Green\": 999}").allowed());
    }

    @Test
    void optionalFalseMeansTheKeyMustBePresent() {
        assertEquals("blocked: POST /api/drive/time: TimeMs is required (rule 1, test.yaml:3)",
                decide(p, "POST", "/api/drive/time", "{\"LinearVelocity\": 5, \"AngularVelocity\": 0}").reason());
        assertEquals("blocked: POST /api/led: Red is required (rule 3, test.yaml:32)",
                decide(p, "POST", "/api/led", "{}").reason());
    }

    @Test
    void optionalTrueMayBeLeftOut() {
        assertTrue(decide(p, "GET", "/api/cameras/rgb", null).allowed());
    }

    @Test
    void rangesAreInclusive() {
        assertTrue(decide(p, "POST", "/api/drive/time", "{\"LinearVelocity\": -12, \"AngularVelocity\": 12, \"TimeMs\": 100}")
                .allowed());
        assertEquals("blocked: POST /api/drive/time: LinearVelocity=13 is outside [-12, 12] (rule 1, test.yaml:3)",
                decide(p, "POST", "/api/drive/time", "{\"LinearVelocity\": 13, \"AngularVelocity\": 0, \"TimeMs\": 100}")
                        .reason());
        assertEquals("blocked: POST /api/drive/time: TimeMs=99 is outside [100, 5000] (rule 1, test.yaml:3)",
                decide(p, "POST", "/api/drive/time", "{\"LinearVelocity\": 1, \"AngularVelocity\": 0, \"TimeMs\": 99}")
                        .reason());
    }

    @Test
    void getChecksTheQueryString() {
        assertEquals("blocked: GET /api/cameras/rgb: Width=100 is outside [320, 4160] (rule 2, test.yaml:20)",
                decide(p, "GET", "/api/cameras/rgb?Width=100", null).reason());
        assertEquals("blocked: GET /api/cameras/rgb: Base64=\"yes\" is not a boolean (true or false) (rule 2, test.yaml:20)",
                decide(p, "GET", "/api/cameras/rgb?Base64=yes", null).reason());
    }

    @Test
    void postChecksTheJsonBodyWhichMustBeAnObject() {
        assertEquals("blocked: POST /api/led: the JSON body must be an object of named parameters (rule 3, test.yaml:32)",
                decide(p, "POST", "/api/led", "[1, 2]").reason());
        assertEquals("blocked: POST /api/led: Red=\"3\" is not a whole number (rule 3, test.yaml:32)",
                decide(p, "POST", "/api/led", "{\"Red\": \"3\"}").reason());
    }

    @Test
    void aRepeatedQueryNameIsRefused() {
        assertEquals("blocked: GET /api/cameras/rgb: query parameter Width is repeated (canonical form)",
                decide(p, "GET", "/api/cameras/rgb?Width=320&Width=4000", null).reason());
    }

    @Test
    void aQueryKeyWithoutAValueIsRefused() {
        assertEquals("blocked: GET /api/cameras/rgb: query parameter Base64 has no value (canonical form)",
                decide(p, "GET", "/api/cameras/rgb?Base64", null).reason());
    }

    // ---- deliberate corrections ----

    @Test
    void boolAcceptsOnlyJsonBooleansInBodiesAndTrueFalseInQueries() {
        assertTrue(decide(p, "POST", "/api/blink", "{\"Blink\": true}").allowed());
        assertTrue(decide(p, "POST", "/api/blink", "{\"Blink\": false}").allowed());
        for (String bad : new String[] {"\"true\"", "1", "0", "\"false\"", "null"}) {
            PolicyDecision d = decide(p, "POST", "/api/blink", "{\"Blink\": " + bad + "}");
            assertFalse(d.allowed(), bad);
        }
        assertEquals("blocked: POST /api/blink: Blink=\"true\" is not a boolean (true or false) (rule 8, test.yaml:53)",
                decide(p, "POST", "/api/blink", "{\"Blink\": \"true\"}").reason());
        PolicyDecision q = decide(p, "GET", "/api/cameras/rgb?Base64=TRUE", null);
        assertTrue(q.allowed());
        assertEquals("Base64=true", q.canonical().query(), "query words are canonicalised to lower case");
        assertFalse(decide(p, "GET", "/api/cameras/rgb?Base64=1", null).allowed());
    }

    @Test
    void floatRangesMayBeFractional() {
        Policy f = policy("default: block\nrules:\n  - verb: POST\n    uri: /api/slam/settings/ir\n    schema:\n"
                + "      - name: Exposure\n        type: float\n        range: [0.001, 0.033]\n");
        assertTrue(decide(f, "POST", "/api/slam/settings/ir", "{\"Exposure\": 0.001}").allowed());
        assertTrue(decide(f, "POST", "/api/slam/settings/ir", "{\"Exposure\": 0.033}").allowed());
        assertEquals("blocked: POST /api/slam/settings/ir: Exposure=0.0331 is outside [0.001, 0.033] (rule 1, test.yaml:3)",
                decide(f, "POST", "/api/slam/settings/ir", "{\"Exposure\": 0.0331}").reason());
    }

    @Test
    void intAcceptsIntegralNumbersAndForwardsThemAsIntegers() {
        PolicyDecision d = decide(p, "POST", "/api/led", "{\"Red\": 3.0}");
        assertTrue(d.allowed(), d.reason());
        assertEquals("{\"Red\":3}", body(d));
        PolicyDecision e = decide(p, "POST", "/api/led", "{\"Red\": 1e2}");
        assertTrue(e.allowed(), e.reason());
        assertEquals("{\"Red\":100}", body(e));
        assertEquals("blocked: POST /api/led: Red=3.5 is not a whole number (rule 3, test.yaml:32)",
                decide(p, "POST", "/api/led", "{\"Red\": 3.5}").reason());
        PolicyDecision q = decide(p, "POST", "/api/led?Red=1e2", null);
        assertTrue(q.allowed(), q.reason());
        assertEquals("Red=100", q.canonical().query());
        assertEquals("blocked: POST /api/led: Red=2.5e0 is not a whole number (rule 3, test.yaml:32)",
                decide(p, "POST", "/api/led?Red=2.5e0", null).reason());
    }

    @Test
    void numbersOutside64BitsAreRefusedNotWrapped() {
        // 2^64 + 5 would wrap to 5, inside the range
        assertEquals("blocked: POST /api/led: the JSON body is refused: number 18446744073709551621 is outside the"
                + " 64-bit range (rule 3, test.yaml:32)", decide(p, "POST", "/api/led", "{\"Red\": 18446744073709551621}")
                .reason());
        assertEquals("blocked: POST /api/led: Red=18446744073709551621 is outside the 64-bit range (rule 3, test.yaml:32)",
                decide(p, "POST", "/api/led?Red=18446744073709551621", null).reason());
        assertEquals("blocked: POST /api/led: Red=9223372036854775808 is outside the 64-bit range (rule 3, test.yaml:32)",
                decide(p, "POST", "/api/led?Red=9223372036854775808", null).reason());
        assertFalse(decide(p, "POST", "/api/led", "{\"Red\": 1e30}").allowed());
    }

    @Test
    void namesAreComparedCaseInsensitivelyWhateverCaseSensitiveSays() {
        // rrhttp with case_sensitive: true would let {"linearvelocity": 500} past a check on LinearVelocity
        assertEquals("blocked: POST /api/drive/time: LinearVelocity=500 is outside [-12, 12] (rule 1, test.yaml:3)",
                decide(p, "POST", "/api/drive/time", "{\"linearvelocity\": 500, \"AngularVelocity\": 0, \"TimeMs\": 100}")
                        .reason());
        assertTrue(decide(p, "POST", "/api/drive/time", "{\"linearVelocity\": 5, \"angularvelocity\": 0, \"TIMEMS\": 100}")
                .allowed());
    }
}
