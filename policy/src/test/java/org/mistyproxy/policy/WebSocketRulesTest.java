package org.mistyproxy.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The websocket: section, message by message. */
class WebSocketRulesTest {
    private final AtomicLong now = new AtomicLong(0);

    private Policy policy(String ws) throws PolicyException {
        return Policy.parse("default: block\nwebsocket:\n" + ws, "ws.yaml", now::get);
    }

    private static final String BASE = String.join("\n",
            "  operations: [subscribe, unsubscribe]",
            "  allowed_types: [TimeOfFlight, BatteryCharge, SkillData]",
            "  blocked_types: [SkillData]",
            "  min_debounce_ms: 100",
            "  max_subscriptions: 2",
            "  max_message_bytes: 300",
            "  messages_per_second: 100",
            "");

    @Test
    void aMistyPySubscribeIsReadLenientlyAndForwardedCanonically() throws PolicyException {
        WebSocketSession s = policy(BASE).websocket().open("i");
        WsDecision d = s.onClientText("{'Operation': 'subscribe', 'Type': 'timeofflight', 'DebounceMs': 200,"
                + " 'EventName': 'tof', 'Message': '', 'ReturnProperty': None}".replace("None", "null"));
        assertTrue(d.allowed(), d.reason());
        assertEquals("{\"Operation\":\"subscribe\",\"Type\":\"TimeOfFlight\",\"DebounceMs\":200,\"EventName\":\"tof\","
                + "\"Message\":\"\"}", d.canonicalText());
        assertEquals("tof", d.eventName());
        assertEquals("allowed: subscribe timeofflight as \"tof\" (websocket, ws.yaml:2)", d.reason());
        assertEquals("websocket, ws.yaml:2", d.rule());
    }

    @Test
    void debounceIsClampedOrRefused() throws PolicyException {
        WebSocketSession clamp = policy(BASE).websocket().open("i");
        WsDecision d = clamp.onClientText("{\"Operation\":\"subscribe\",\"Type\":\"IMU\",\"EventName\":\"a\",\"DebounceMs\":0}"
                .replace("IMU", "BatteryCharge"));
        assertTrue(d.allowed());
        assertEquals("{\"Operation\":\"subscribe\",\"Type\":\"BatteryCharge\",\"DebounceMs\":100,\"EventName\":\"a\"}",
                d.canonicalText());
        WebSocketSession refuse = policy(BASE + "  debounce: refuse\n").websocket().open("i");
        WsDecision r = refuse.onClientText("{\"Operation\":\"subscribe\",\"Type\":\"BatteryCharge\",\"EventName\":\"a\","
                + "\"DebounceMs\":50}");
        assertFalse(r.allowed());
        assertFalse(r.close());
        assertEquals("blocked: DebounceMs 50 is below the minimum 100 (websocket, ws.yaml:2)", r.reason());
        assertTrue(refuse.onClientText("{\"Operation\":\"subscribe\",\"Type\":\"BatteryCharge\",\"EventName\":\"b\"}")
                .allowed(), "left out means the robot's 250 ms, above the minimum");
    }

    @Test
    void typesAndOperationsAreChecked() throws PolicyException {
        WebSocketSession s = policy(BASE).websocket().open("i");
        assertEquals("blocked: event Type SkillData is blocked (websocket, ws.yaml:2)",
                s.onClientText("{\"Operation\":\"subscribe\",\"Type\":\"skilldata\",\"EventName\":\"a\"}").reason()
                        .replace("skilldata", "SkillData"));
        assertEquals("blocked: event Type \"IMU\" is not in the allowed types (websocket, ws.yaml:2)",
                s.onClientText("{\"Operation\":\"subscribe\",\"Type\":\"IMU\",\"EventName\":\"a\"}").reason());
        assertEquals("blocked: Operation \"publish\" is not allowed (allowed: subscribe, unsubscribe) (websocket, ws.yaml:2)",
                s.onClientText("{\"Operation\":\"publish\",\"EventName\":\"a\"}").reason());
        assertEquals("blocked: unknown field \"Extra\" (websocket, ws.yaml:2)",
                s.onClientText("{\"Operation\":\"subscribe\",\"Type\":\"IMU\",\"EventName\":\"a\",\"Extra\":1}").reason());
        assertEquals("blocked: message is not acceptable JSON: duplicate key 'EventName' (websocket, ws.yaml:2)",
                s.onClientText("{\"Operation\":\"subscribe\",\"EventName\":\"a\",\"EventName\":\"b\"}").reason());
        assertEquals("blocked: message is not acceptable JSON: key \"eventname\" appears twice (\"EventName\");"
                + " names compare case-insensitively (websocket, ws.yaml:2)",
                s.onClientText("{\"Operation\":\"subscribe\",\"EventName\":\"a\",\"eventname\":\"b\"}").reason());
    }

    @Test
    void subscriptionsPerConnectionAreBoundedAndUnsubscribeFreesOne() throws PolicyException {
        WebSocketSession s = policy(BASE).websocket().open("i");
        String sub = "{\"Operation\":\"subscribe\",\"Type\":\"TimeOfFlight\",\"EventName\":\"%s\"}";
        assertTrue(s.onClientText(String.format(sub, "a")).allowed());
        assertEquals("blocked: EventName \"a\" is already subscribed on this connection (websocket, ws.yaml:2)",
                s.onClientText(String.format(sub, "a")).reason());
        assertTrue(s.onClientText(String.format(sub, "b")).allowed());
        assertEquals("blocked: more than 2 subscriptions on one connection (max_subscriptions) (websocket, ws.yaml:2)",
                s.onClientText(String.format(sub, "c")).reason());
        assertEquals("blocked: unsubscribe of \"zz\", which this connection did not subscribe (websocket, ws.yaml:2)",
                s.onClientText("{\"Operation\":\"unsubscribe\",\"EventName\":\"zz\"}").reason());
        WsDecision u = s.onClientText("{'Operation':'UNSUBSCRIBE','EventName':'a','Message':''}");
        assertTrue(u.allowed());
        assertEquals("{\"Operation\":\"unsubscribe\",\"EventName\":\"a\",\"Message\":\"\"}", u.canonicalText());
        assertEquals(1, s.subscriptions());
        assertTrue(s.onClientText(String.format(sub, "c")).allowed());
        assertEquals(0, policy(BASE).websocket().open("i").subscriptions(), "each connection has its own count");
    }

    @Test
    void oversizedAndBinaryMessagesCloseTheConnection() throws PolicyException {
        WebSocketSession s = policy(BASE).websocket().open("i");
        assertEquals(300, s.maxMessageBytes());
        WsDecision big = s.onClientText("{\"Operation\":\"subscribe\",\"EventName\":\"" + "\u00e9".repeat(150) + "\"}");
        assertFalse(big.allowed());
        assertTrue(big.close());
        assertEquals("blocked: message of more than 300 bytes (max_message_bytes) (websocket, ws.yaml:2)", big.reason());
        WsDecision bin = s.onClientBinary(10);
        assertTrue(bin.close());
        assertEquals("blocked: binary frames are not part of the pub/sub protocol (10 bytes) (websocket, ws.yaml:2)",
                bin.reason());
    }

    @Test
    void messagesPerSecondIsATokenBucketPerConnection() throws PolicyException {
        WebSocketSession s = policy(BASE.replace("messages_per_second: 100", "messages_per_second: 2")).websocket().open("i");
        String sub = "{\"Operation\":\"subscribe\",\"Type\":\"TimeOfFlight\",\"EventName\":\"%s\"}";
        assertTrue(s.onClientText(String.format(sub, "a")).allowed());
        assertTrue(s.onClientText("{\"Operation\":\"unsubscribe\",\"EventName\":\"a\"}").allowed());
        WsDecision third = s.onClientText(String.format(sub, "b"));
        assertEquals("blocked: more than 2 messages per second (messages_per_second) (websocket, ws.yaml:2)",
                third.reason());
        assertFalse(third.close());
        now.addAndGet(500_000_000L);
        assertTrue(s.onClientText(String.format(sub, "b")).allowed());
    }

    @Test
    void withoutAWebsocketSectionTheFileDefaultDecides() throws PolicyException {
        WebSocketRules closed = Policy.parse("default: block\n", "x.yaml").websocket();
        assertFalse(closed.enabled());
        assertEquals("the policy has no websocket: section and its default is block, so /pubsub is refused",
                closed.disabledReason());
        assertTrue(closed.open("i").onClientText("{}").close());
        WebSocketRules open = Policy.parse("default: allow\n", "x.yaml").websocket();
        assertTrue(open.enabled());
        assertTrue(open.open("i").onClientText("{\"Operation\":\"subscribe\",\"Type\":\"Anything\",\"EventName\":\"e\","
                + "\"DebounceMs\":0}").allowed());
        assertFalse(policy("  enabled: false\n").websocket().enabled());
    }
}
