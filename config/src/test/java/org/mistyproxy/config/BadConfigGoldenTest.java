package org.mistyproxy.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden tests: every file in {@code src/test/resources/bad/} is a broken configuration, and the
 * {@code .expected} file beside it lists, line by line, exactly the errors the loader must report
 * ({@code name:line:column path: problem}, file order). {@code {files}} in an expected line stands for
 * the absolute path of {@code src/test/resources/files}.
 *
 * <p>After a deliberate change of wording, rewrite the expected files with
 * {@code mvn -pl config test -Dtest=BadConfigGoldenTest -Dgolden.update=true} and review the diff.
 */
final class BadConfigGoldenTest {
    /** The environment the bad configs see; some variables are deliberately missing. */
    static final Map<String, String> ENV = Map.of(
            "TLS_PASSWORD", "s3cret",
            "ROBOT_HOST", "10.0.0.9",
            "NOT_A_NUMBER", "eighty",
            "OWNER_NAME", "alice");

    static Stream<Path> badConfigs() throws IOException, URISyntaxException {
        return Files.list(resources().resolve("bad"))
                .filter(p -> !p.getFileName().toString().endsWith(".expected"))
                .sorted();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badConfigs")
    void reportsExactlyTheExpectedErrors(Path config) throws Exception {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(config, ENV));
        String files = resources().resolve("files").toString();
        List<String> actual = e.errors().stream()
                .map(err -> Path.of(err.file()).getFileName() + ":" + err.line() + ":" + err.column() + " "
                        + err.path() + ": " + err.problem())
                .collect(Collectors.toList());
        Path expectedFile = Path.of(config + ".expected");
        if (Boolean.getBoolean("golden.update")) {
            Path source = Path.of("src/test/resources/bad").resolve(expectedFile.getFileName());
            Files.writeString(source, actual.stream().map(l -> l.replace(files, "{files}") + "\n")
                    .collect(Collectors.joining()), StandardCharsets.UTF_8);
            return;
        }
        assertTrue(Files.exists(expectedFile), "missing " + expectedFile.getFileName());
        List<String> expected = Files.readAllLines(expectedFile).stream()
                .map(l -> l.replace("{files}", files))
                .collect(Collectors.toList());
        assertFalse(expected.isEmpty(), "an expected file lists at least one error");
        assertEquals(String.join("\n", expected), String.join("\n", actual));
        // The exception message is what "config check" prints: the same lines, with the full file path.
        assertEquals(e.errors().size(), e.getMessage().split("\n").length);
    }

    @Test
    void thereAreAtLeastTwelveDistinctBadConfigs() throws Exception {
        assertTrue(badConfigs().count() >= 12);
    }

    static Path resources() throws URISyntaxException {
        return Path.of(BadConfigGoldenTest.class.getResource("/files").toURI()).getParent();
    }
}
