package org.mistyproxy.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EventConditionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MESSAGE = "{\"sensorId\": \"toffc\", \"distanceInMeters\": 0.5, \"inHazard\": false,"
            + " \"note\": \"\", \"pose\": {\"x\": 2}}";

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @CsvSource(delimiter = '|', value = {
        "SensorId|=|toffc|true", "sensorid|==|toffc|true", "SENSORID|=|TOFFC|false",
        "sensorId|!=|toffr|true", "sensorId|!==|toffc|false",
        "distanceInMeters|>|0.4|true", "distanceInMeters|>|0.5|false", "distanceInMeters|<|0.6|true",
        "distanceInMeters|>=|0.5|true", "distanceInMeters|<=|0.5|true", "distanceInMeters|=>|0.4|false",
        "distanceInMeters|=|0.50|true", "inHazard|=|False|true", "inHazard|=|true|false",
        "pose.x|>|1|true", "Pose.X|<|1|false", "sensorId|>|3|false",
        "note|empty|0|true", "missing|empty|0|true", "sensorId|empty|0|false",
        "sensorId|exists|0|true", "missing|exists|0|false", "missing|=|x|false",
        "distanceInMeters|delta|0.1|true",
    })
    void everyOperatorOfTheUnionWorks(String property, String op, String value, boolean expected) throws Exception {
        JsonNode condition = JSON.createObjectNode().put("Property", property).put("Inequality", op).put("Value", value);
        assertEquals(expected, EventCondition.parse(condition, 0).test(JSON.readTree(MESSAGE)));
    }

    @ParameterizedTest
    @CsvSource({"0.5,0.55,false", "0.5,0.61,true", "0.5,0.39,true"})
    void deltaComparesWithTheLastDeliveredValue(double first, double second, boolean expected) throws Exception {
        EventCondition delta = EventCondition.parse(JSON.readTree("{\"Property\": \"d\", \"Inequality\": \"delta\", \"Value\": 0.1}"), 0);
        JsonNode m1 = JSON.createObjectNode().put("d", first);
        assertEquals(true, delta.test(m1));
        delta.delivered(m1);
        assertEquals(expected, delta.test(JSON.createObjectNode().put("d", second)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"{\"Inequality\": \"=\"}|Property", "{\"Property\": \"a\", \"Inequality\": \"like\"}|Inequality", "[1]|object"})
    void badConditionsSayWhatIsWrong(String json, String mentions) throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EventCondition.parse(JSON.readTree(json), 3));
        assertEquals(true, e.getMessage().contains("EventConditions[3]") && e.getMessage().contains(mentions), e.getMessage());
    }
}
