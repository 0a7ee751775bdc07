package org.mistyproxy.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Help, version, and the exit codes of bad command lines, for the whole program. */
final class UsageTest {

    @Test
    void everyCommandHasHelp() {
        for (List<String> command : List.<List<String>>of(List.of(), List.of("config"), List.of("config", "check"),
                List.of("token"), List.of("token", "new"))) {
            for (String flag : List.of("--help", "-h")) {
                String[] args = concat(command, flag);
                CliRun run = CliRun.of(args);
                assertEquals(0, run.exitCode(), run::toString);
                String name = String.join(" ", concat(List.of("mistyproxy"), command.toArray(String[]::new)));
                assertTrue(run.out().startsWith("Usage: " + name), run::toString);
                assertEquals("", run.err());
            }
        }
    }

    @Test
    void topLevelHelpListsTheCommands() {
        CliRun run = CliRun.of("--help");
        assertTrue(run.out().contains("  config "), run::toString);
        assertTrue(run.out().contains("  token "), run::toString);
    }

    @Test
    void version() {
        CliRun run = CliRun.of("--version");
        assertEquals(0, run.exitCode(), run::toString);
        assertTrue(run.out().startsWith("mistyproxy "), run::toString);
    }

    @Test
    void unknownCommandsAndFlagsExitTwo() {
        CliRun none = CliRun.of();
        assertEquals(2, none.exitCode(), none::toString);
        assertTrue(none.err().startsWith("Missing required subcommand"), none::toString);

        CliRun command = CliRun.of("frobnicate");
        assertEquals(2, command.exitCode(), command::toString);
        assertTrue(command.err().startsWith("Unmatched argument at index 0: 'frobnicate'"), command::toString);
        assertTrue(command.err().contains("Usage: mistyproxy"), command::toString);

        CliRun flag = CliRun.of("--frobnicate");
        assertEquals(2, flag.exitCode(), flag::toString);
        assertTrue(flag.err().startsWith("Unknown option: '--frobnicate'"), flag::toString);
        assertEquals("", flag.out());
    }

    private static String[] concat(List<String> head, String... tail) {
        String[] out = new String[head.size() + tail.length];
        for (int i = 0; i < head.size(); i++) {
            out[i] = head.get(i);
        }
        System.arraycopy(tail, 0, out, head.size(), tail.length);
        return out;
    }
}
