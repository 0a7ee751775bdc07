package org.mistyproxy.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class ConfigCheckCommandTest {
    private static final Path EXAMPLES = Path.of("../config/examples").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void validExamples() {
        CliRun one = CliRun.of("config", "check", EXAMPLES.resolve("one-robot.yaml").toString());
        assertEquals(0, one.exitCode(), one::toString);
        assertEquals("ok: 1 deployment, 2 users\n", one.out());
        assertEquals("", one.err());

        CliRun two = CliRun.of("config", "check", EXAMPLES.resolve("two-robots-shared-camera.yaml").toString());
        assertEquals(0, two.exitCode(), two::toString);
        assertEquals("ok: 2 deployments, 2 users\n", two.out());

        CliRun json = CliRun.of("config", "check", EXAMPLES.resolve("one-robot.json").toString());
        assertEquals(0, json.exitCode(), json::toString);
        assertEquals("ok: 1 deployment, 1 user\n", json.out());
    }

    @Test
    void printsEveryErrorAndExitsOne() throws Exception {
        Path f = Files.writeString(dir.resolve("mistyproxy.yaml"), String.join("\n",
                "listen:",
                "  port: 99999",
                "users:",
                "  - name: alice",
                "    role: admin",
                "    token_sha256: abc",
                "deployments:",
                "  - id: not-a-uuid",
                "    robot: misty.local",
                "    cameras:",
                "      - {id: cam, source: synthetic, fps: 0, crop: [0, 0, 700, 480]}",
                ""));
        CliRun run = CliRun.of("config", "check", f.toString());
        assertEquals(1, run.exitCode(), run::toString);
        assertEquals("", run.out());
        assertEquals(String.join("\n",
                f + ":2:9 listen.port: must be between 0 and 65535, got 99999",
                f + ":5:11 users[0].role: must be \"owner\" or \"user\", got \"admin\"",
                f + ":6:19 users[0].token_sha256: must be 64 hexadecimal digits (the SHA-256 of the API token,"
                        + " as printed by \"mistyproxy token new\"), got 3 digits",
                f + ":8:9 deployments[0].id: must be a UUID such as 3f2a9c4e-7b1d-4e8a-9f6c-2d5b8e1a0c7f,"
                        + " got \"not-a-uuid\"",
                f + ":9:12 deployments[0].robot: must be host:port, such as 192.168.1.42:80 or [fd00::2]:80"
                        + " (no scheme, no path), got \"misty.local\"",
                f + ":11:43 deployments[0].cameras[0].fps: must be between 1 and 120, got 0",
                f + ":11:59 deployments[0].cameras[0].crop[2]: the crop is outside the frame: x1 must be at most"
                        + " the width (640), got 700",
                "7 errors in " + f,
                ""), run.err());
    }

    @Test
    void checksThePolicyFilesTheConfigurationNames() throws Exception {
        Path policies = Path.of("../config/policies").toAbsolutePath().normalize();
        Files.writeString(dir.resolve("broken-policy.yaml"), "default: block\nbogus: 1\n");
        String head = "users:\n  - {name: alice, token_sha256: " + "ab".repeat(32) + "}\ndeployments:\n";
        Path good = Files.writeString(dir.resolve("good.yaml"), head
                + "  - {id: 4bd03d8b-edbe-458a-8ca2-20dbf8e0543b, robot: '10.0.0.1:80', policy: "
                + policies.resolve("misty-readonly.yaml") + "}\n");
        CliRun ok = CliRun.of("config", "check", good.toString());
        assertEquals(0, ok.exitCode(), ok::toString);
        assertEquals("ok: 1 deployment, 1 user\n", ok.out());

        Path bad = Files.writeString(dir.resolve("bad.yaml"), head
                + "  - {id: 4bd03d8b-edbe-458a-8ca2-20dbf8e0543b, robot: '10.0.0.1:80', policy: broken-policy.yaml}\n");
        CliRun run = CliRun.of("config", "check", bad.toString());
        assertEquals(1, run.exitCode(), run::toString);
        assertEquals("", run.out());
        String[] lines = run.err().split("\n");
        assertEquals(2, lines.length, run::toString);
        assertTrue(lines[0].matches(".*broken-policy\\.yaml:2:1 bogus: .+"), run::toString);
        assertEquals("1 error in the policy files of " + bad, lines[1]);
    }

    @Test
    void missingFileIsAnErrorNotACrash() {
        Path f = dir.resolve("absent.yaml");
        CliRun run = CliRun.of("config", "check", f.toString());
        assertEquals(1, run.exitCode(), run::toString);
        assertEquals(f + ":1:1 (top level): file not found: " + f + "\n1 error in " + f + "\n", run.err());
    }

    @Test
    void usageErrorsExitTwo() {
        CliRun noFile = CliRun.of("config", "check");
        assertEquals(2, noFile.exitCode(), noFile::toString);
        assertTrue(noFile.err().startsWith("Missing required parameter: 'FILE'"), noFile::toString);
        assertTrue(noFile.err().contains("Usage: mistyproxy config check"), noFile::toString);

        CliRun flag = CliRun.of("config", "check", "--strict", "x.yaml");
        assertEquals(2, flag.exitCode(), flag::toString);
        assertTrue(flag.err().startsWith("Unknown option: '--strict'"), flag::toString);

        CliRun noSub = CliRun.of("config");
        assertEquals(2, noSub.exitCode(), noSub::toString);
        assertTrue(noSub.err().startsWith("Missing required subcommand"), noSub::toString);

        CliRun wrongSub = CliRun.of("config", "lint", "x.yaml");
        assertEquals(2, wrongSub.exitCode(), wrongSub::toString);
        assertTrue(wrongSub.err().startsWith("Unmatched arguments from index 1: 'lint', 'x.yaml'"), wrongSub::toString);
    }
}
