package org.mistyproxy.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Help, version, and the exit codes of bad command lines, for the whole program. */
final class UsageTest {

    /** Walks the real command tree, so a command added later is covered without touching this test. */
    @Test
    void everyCommandHasHelp() {
        List<List<String>> commands = new ArrayList<>();
        collect(new CommandLine(new MistyProxyCommand()), new ArrayList<>(), commands);
        assertTrue(commands.size() >= 5, commands::toString);
        for (List<String> command : commands) {
            for (String flag : List.of("--help", "-h")) {
                CliRun run = CliRun.of(concat(command, flag));
                assertEquals(0, run.exitCode(), run::toString);
                String name = String.join(" ", concat(List.of("mistyproxy"), command.toArray(String[]::new)));
                assertTrue(run.out().startsWith("Usage: " + name), run::toString);
                assertEquals("", run.err());
            }
        }
    }

    private static void collect(CommandLine c, List<String> path, List<List<String>> out) {
        out.add(List.copyOf(path));
        for (Map.Entry<String, CommandLine> sub : c.getSubcommands().entrySet()) {
            List<String> p = new ArrayList<>(path);
            p.add(sub.getKey());
            collect(sub.getValue(), p, out);
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
        // Picocli follows with "Did you mean ...?" when a command is close, else with the usage.
        assertTrue(command.err().contains("Did you mean") || command.err().contains("Usage: mistyproxy"),
                command::toString);

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
