package org.mistyproxy.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.mistyproxy.config.ConfigError;

/**
 * Malformed policy files (test resources malformed/*.yaml): every problem is reported at once, word
 * for word as below, each with file, line and column.
 */
class MalformedPolicyTest {
    private static final Map<String, List<String>> EXPECTED = Map.ofEntries(
            Map.entry("01-not-yaml.yaml", List.of(
                    "01-not-yaml.yaml:5:1 rules[0].uri: invalid YAML: expected ',' or ']', but got <stream end>")),
            Map.entry("02-missing-default.yaml", List.of(
                    "02-missing-default.yaml:1:1 default: missing: say default: allow or default: block")),
            Map.entry("03-bad-default.yaml", List.of(
                    "03-bad-default.yaml:1:10 default: must be allow or block, not \"deny\"")),
            Map.entry("04-unknown-keys.yaml", List.of(
                    "04-unknown-keys.yaml:2:1 rule: unknown key (expected one of default, rules, websocket)",
                    "04-unknown-keys.yaml:6:5 rules[0]: missing uri",
                    "04-unknown-keys.yaml:7:5 rules[0].url: unknown key (expected one of verb, verbs, uri, action, has_body, has_params, default, schema, rate, max_body_bytes, raw_body, redact, lease)",
                    "04-unknown-keys.yaml:11:9 rules[0].schema[0].optinal: unknown key (expected one of name, type, range, optional, case_sensitive, max_length, pattern, enum)")),
            Map.entry("05-bad-verbs.yaml", List.of(
                    "05-bad-verbs.yaml:3:11 rules[0].verb: unknown HTTP method \"FETCH\" (use GET, POST, PUT, DELETE, PATCH, HEAD or OPTIONS)",
                    "05-bad-verbs.yaml:5:12 rules[1].verbs: must be a non-empty list of HTTP methods, not an empty list",
                    "05-bad-verbs.yaml:8:12 rules[2].verbs: give either verb or verbs, not both",
                    "05-bad-verbs.yaml:10:5 rules[3]: missing verb (or verbs: [...])")),
            Map.entry("06-bad-uris.yaml", List.of(
                    "06-bad-uris.yaml:4:10 rules[0].uri: \"api/battery\" must start with /",
                    "06-bad-uris.yaml:6:10 rules[1].uri: \"/api/drive?x=1\" contains ?; write the plain, decoded path without a query",
                    "06-bad-uris.yaml:8:10 rules[2].uri: \"/api/dr*ve\": * and ** must be a whole segment, as in /api/*/list or /api/slam/**",
                    "06-bad-uris.yaml:10:10 rules[3].uri: \"/api/**/list\": ** may only be the last segment",
                    "06-bad-uris.yaml:12:10 rules[4].uri: \"/api/../reboot\" contains a .. segment; write the path it stands for")),
            Map.entry("07-bad-types.yaml", List.of(
                    "07-bad-types.yaml:7:15 rules[0].schema[0].type: unknown type \"double\" (use bool, int, float, string, object or array)",
                    "07-bad-types.yaml:8:9 rules[0].schema[1]: missing name",
                    "07-bad-types.yaml:11:16 rules[0].schema[2].range: only int and float parameters have a range")),
            Map.entry("08-bad-ranges.yaml", List.of(
                    "08-bad-ranges.yaml:8:16 rules[0].schema[0].range: the low end 12 is above the high end -12",
                    "08-bad-ranges.yaml:11:17 rules[0].schema[1].range[0]: an int range needs whole numbers, not -1.5",
                    "08-bad-ranges.yaml:11:23 rules[0].schema[1].range[1]: an int range needs whole numbers, not 1.5",
                    "08-bad-ranges.yaml:14:16 rules[0].schema[2].range: must be [low, high], not a list of 1 item",
                    "08-bad-ranges.yaml:17:20 rules[0].schema[3].range[1]: must be a number, not \"90\"")),
            Map.entry("09-duplicates.yaml", List.of(
                    "09-duplicates.yaml:2:1 default: duplicate key \"default\" (first at line 1)",
                    "09-duplicates.yaml:9:9 rules[0].schema[1].name: parameter red is already in this schema (line 7); names compare case-insensitively")),
            Map.entry("10-bad-rate-and-sizes.yaml", List.of(
                    "10-bad-rate-and-sizes.yaml:5:11 rules[0].rate: must look like 5/s, 30/min or 100/h, not \"5 per second\"",
                    "10-bad-rate-and-sizes.yaml:6:21 rules[0].max_body_bytes: must be a whole number of bytes from 0 to 1073741824, not -1",
                    "10-bad-rate-and-sizes.yaml:7:15 rules[0].raw_body: must be true or false, not \"yes please\"",
                    "10-bad-rate-and-sizes.yaml:10:13 rules[1].action: must be allow or block, not \"deny\"",
                    "10-bad-rate-and-sizes.yaml:14:11 rules[2].rate: rate has no effect on a rule with action: block")),
            Map.entry("11-bad-string-constraints.yaml", List.of(
                    "11-bad-string-constraints.yaml:8:21 rules[0].schema[0].max_length: must be a whole number of characters from 0 to 2147483647, not \"lots\"",
                    "11-bad-string-constraints.yaml:9:18 rules[0].schema[0].pattern: not a valid regular expression: Unclosed character class near index 8",
                    "11-bad-string-constraints.yaml:12:16 rules[0].schema[1].enum[0]: a string enum needs strings; quote 1",
                    "11-bad-string-constraints.yaml:15:18 rules[0].schema[2].pattern: only string parameters have a pattern")),
            Map.entry("12-bad-websocket.yaml", List.of(
                    "12-bad-websocket.yaml:3:27 websocket.operations[1]: unknown Operation \"publish\" (the robot knows subscribe and unsubscribe)",
                    "12-bad-websocket.yaml:4:18 websocket.allowed_types: must be a list of names, not \"TimeOfFlight\"",
                    "12-bad-websocket.yaml:5:20 websocket.min_debounce_ms: must be a whole number of milliseconds from 0 to 3600000, not -5",
                    "12-bad-websocket.yaml:6:13 websocket.debounce: must be clamp or refuse, not \"sometimes\"",
                    "12-bad-websocket.yaml:7:22 websocket.max_message_bytes: must be a whole number of bytes from 64 to 16777216, not 10",
                    "12-bad-websocket.yaml:8:24 websocket.messages_per_second: must be a number above 0 (at most 1000000), not 0",
                    "12-bad-websocket.yaml:9:3 websocket.max_subscription: unknown key (expected one of enabled, operations, allowed_types, blocked_types, min_debounce_ms, debounce, max_subscriptions, max_message_bytes, messages_per_second)")),
            Map.entry("13-bad-redact.yaml", List.of(
                    "13-bad-redact.yaml:5:13 rules[0].redact: must be a non-empty list of JSON paths such as result.password, not \"result.password\"",
                    "13-bad-redact.yaml:8:14 rules[1].redact[0]: \"result..key\" has an empty segment; write keys separated by single dots",
                    "13-bad-redact.yaml:8:29 rules[1].redact[1]: must be a JSON path such as result.password, not 5")),
            Map.entry("14-empty.yaml", List.of(
                    "14-empty.yaml:1:1 (top level): the file is empty; a policy needs at least default: allow or default: block")),
            Map.entry("16-bad-lease.yaml", List.of(
                    "16-bad-lease.yaml:5:12 rules[0].lease: must be motion (the command moves the robot until told otherwise, so mistyproxy stops it when the borrower goes quiet), not \"forever\"",
                    "16-bad-lease.yaml:8:12 rules[1].lease: must be motion (the command moves the robot until told otherwise, so mistyproxy stops it when the borrower goes quiet), not true",
                    "16-bad-lease.yaml:12:12 rules[2].lease: lease has no effect on a rule with action: block")),
            Map.entry("15-not-a-map.yaml", List.of(
                    "15-not-a-map.yaml:1:1 (top level): a policy is a map with default, rules and websocket, not a list of 1 item")),
            // Jackson hands an alias over as the anchor's name: read silently, the second range
            // would apply to a parameter named "vel". The shared reader refuses both ends.
            Map.entry("16-aliases.yaml", List.of(
                    "16-aliases.yaml:6:15 rules[0].schema[0].name: YAML anchors (&vel) are not supported; write the value out where it is used",
                    "16-aliases.yaml:9:15 rules[0].schema[1].name: YAML aliases (*vel) are not supported; write the value out",
                    "16-aliases.yaml:12:14 rules[0].redact[0]: YAML aliases (*vel) are not supported; write the value out"))
    );

    private static Path dir() throws URISyntaxException {
        return Path.of(MalformedPolicyTest.class.getResource("/malformed").toURI());
    }

    @Test
    void everyMalformedFileIsRefusedWithAllItsErrorsWordForWord() throws Exception {
        for (Map.Entry<String, List<String>> e : EXPECTED.entrySet()) {
            Path file = dir().resolve(e.getKey());
            PolicyException ex = assertThrows(PolicyException.class, () -> Policy.load(file), e.getKey());
            List<String> got = ex.errors().stream().map(ConfigError::toString).collect(Collectors.toList());
            assertEquals(e.getValue(), got, e.getKey());
            assertEquals(String.join("\n", e.getValue()), ex.getMessage());
        }
    }

    @Test
    void everyFileInTheFolderIsCovered() throws Exception {
        try (var files = java.nio.file.Files.list(dir())) {
            assertEquals(EXPECTED.keySet(), files.map(f -> f.getFileName().toString()).collect(Collectors.toSet()));
        }
        assertEquals(true, EXPECTED.size() >= 10);
    }

    @Test
    void aMissingFileIsAnErrorToo() {
        PolicyException ex = assertThrows(PolicyException.class, () -> Policy.load(Path.of("/nonexistent/p.yaml")));
        assertEquals("p.yaml:0:0 (top level): cannot read /nonexistent/p.yaml: NoSuchFileException /nonexistent/p.yaml",
                ex.getMessage());
    }

    @Test
    void errorsCarryTheirParts() {
        PolicyException ex = assertThrows(PolicyException.class, () -> Policy.parse("default: deny\n", "x.yaml"));
        ConfigError e = ex.errors().get(0);
        assertEquals(new ConfigError("x.yaml", 1, 10, "default", "must be allow or block, not \"deny\""), e);
    }
}
