package org.mistyproxy.proxy.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.mistyproxy.config.Origin;

/** The one origin rule, on its own; {@code OriginParityTest} shows the relay and /pubsub apply it alike. */
class OriginGateTest {
    /** As a {@code Deployment} keeps them: normalised once. */
    private static final List<String> LISTED =
            Origin.normalise(List.of("https://Lab.Example.org:443", "http://127.0.0.1:8000"));

    @Test
    void scriptsWithoutOriginAndWildcardDeploymentsPass() {
        assertTrue(OriginGate.allows(LISTED, null));
        assertTrue(OriginGate.allows(List.of("*"), "http://anything.example"));
        assertTrue(OriginGate.allows(List.of("*"), "null"));
    }

    @Test
    void originsCompareAsSchemeHostPortIgnoringCaseAndDefaultPorts() {
        assertEquals(List.of("https://lab.example.org", "http://127.0.0.1:8000"), LISTED);
        assertTrue(OriginGate.allows(LISTED, "https://lab.example.org"));
        assertTrue(OriginGate.allows(LISTED, "https://LAB.example.org:443"));
        assertTrue(OriginGate.allows(LISTED, "HTTP://127.0.0.1:8000"));
        assertFalse(OriginGate.allows(LISTED, "http://lab.example.org"), "scheme differs");
        assertFalse(OriginGate.allows(LISTED, "https://lab.example.org:8443"), "port differs");
        assertFalse(OriginGate.allows(LISTED, "http://127.0.0.1:8001"), "port differs");
        assertFalse(OriginGate.allows(LISTED, "http://127.0.0.1"), "a listed non-default port is not the default");
        assertFalse(OriginGate.allows(LISTED, "https://lab.example.org.evil.example"));
        assertFalse(OriginGate.allows(LISTED, "null"), "opaque origins match only *");
        assertFalse(OriginGate.allows(LISTED, "not a url"));
        assertFalse(OriginGate.allows(LISTED, "https://lab.example.org/path"));
    }

    @Test
    void entriesWithAndWithoutDefaultPortsAreTheSameEntry() {
        assertEquals(List.of("http://a.example", "https://b.example", "http://c.example:443", "*"),
                Origin.normalise(List.of("http://A.example:80", "https://b.example:443", "http://c.example:443", "*")));
    }
}
