package org.mistyproxy.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

class LenientJsonTest {
    private final LenientJson lenient = new LenientJson();

    @Test
    void readsPythonStrDictOutput() throws Exception {
        JsonNode n = lenient.parse("{'Operation': 'subscribe', 'DebounceMs': 0, 'ReturnProperty': None,"
                + " 'On': True, 'Off': False, 'Text': 'It\\'s None of True', 'List': [1, 2,],}");
        assertEquals("subscribe", n.path("Operation").asText());
        assertTrue(n.path("ReturnProperty").isNull());
        assertTrue(n.path("On").asBoolean());
        assertEquals(false, n.path("Off").asBoolean(true));
        assertEquals("It's None of True", n.path("Text").asText());
        assertEquals(2, n.path("List").size());
    }

    @Test
    void leavesWordsInsideStringsAndIdentifiersAlone() {
        assertEquals("{\"a\": \"True\", NoneSuch: \"x\", b: true}",
                LenientJson.pythonLiteralsToJson("{\"a\": \"True\", NoneSuch: \"x\", b: True}"));
    }

    @Test
    void garbageIsStillAnError() {
        assertThrows(JsonProcessingException.class, () -> lenient.parse("{'a': }"));
    }

    @Test
    void twoSimulatorsCannotShareAPortAndTheErrorSaysWhy() {
        try (Simulator first = Simulator.start("127.0.0.1", 0)) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Simulator.start("127.0.0.1", first.port()));
            assertTrue(e.getMessage().contains("cannot listen on 127.0.0.1:" + first.port()), e.getMessage());
        }
    }
}
