package org.mistyproxy.proxy.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mistyproxy.config.ConfigLoader;
import org.mistyproxy.config.MistyProxyConfig;
import org.mistyproxy.config.Role;
import org.mistyproxy.config.User;

final class TokenNewCommandTest {
    private static final Pattern TOKEN_LINE = Pattern.compile("(?m)^    ([A-Za-z0-9_-]+)$");

    @TempDir
    Path dir;

    @Test
    void printsAFresh256BitTokenAndASnippetHoldingOnlyItsHash() throws Exception {
        CliRun run = CliRun.of("token", "new", "--user", "alice", "--role", "owner");
        assertEquals(0, run.exitCode(), run::toString);
        assertEquals("", run.err());
        String token = token(run);
        assertEquals(32, Base64.getUrlDecoder().decode(token).length);
        String hash = User.sha256Hex(token);
        String snippet = "  - name: alice\n    role: owner\n    token_sha256: " + hash + "\n";
        assertTrue(run.out().endsWith(snippet), run::toString);
        // Printed exactly once: the snippet, like the config file, holds only the hash.
        assertEquals(1, run.out().split(Pattern.quote(token), -1).length - 1);

        // The snippet pasted into a configuration gives a user that the token authenticates.
        Path config = Files.writeString(dir.resolve("mistyproxy.yaml"), "users:\n" + snippet
                + "deployments:\n  - {id: 4bd03d8b-edbe-458a-8ca2-20dbf8e0543b, robot: '127.0.0.1:9090'}\n");
        MistyProxyConfig c = ConfigLoader.load(config, Map.of());
        User alice = c.users().get(0);
        assertEquals(Role.OWNER, alice.role());
        assertTrue(alice.matches(token));
    }

    @Test
    void roleDefaultsToUserAndTokensDiffer() {
        CliRun a = CliRun.of("token", "new", "--user", "bob");
        CliRun b = CliRun.of("token", "new", "--user", "bob");
        assertEquals(0, a.exitCode(), a::toString);
        assertTrue(a.out().contains("\n    role: user\n"), a::toString);
        assertNotEquals(token(a), token(b));
    }

    @Test
    void badArgumentsExitTwoAndSayWhatWasWrong() {
        CliRun role = CliRun.of("token", "new", "--user", "bob", "--role", "admin");
        assertEquals(2, role.exitCode(), role::toString);
        assertTrue(role.err().startsWith("Invalid value for option '--role': must be owner or user, got 'admin'"),
                role::toString);

        CliRun name = CliRun.of("token", "new", "--user", "bob smith");
        assertEquals(2, name.exitCode(), name::toString);
        assertTrue(name.err().startsWith("Invalid value for option '--user': must be 1 to 64 letters"), name::toString);
        assertEquals("", name.out());

        CliRun noUser = CliRun.of("token", "new");
        assertEquals(2, noUser.exitCode(), noUser::toString);
        assertTrue(noUser.err().startsWith("Missing required option: '--user=NAME'"), noUser::toString);

        CliRun noSub = CliRun.of("token");
        assertEquals(2, noSub.exitCode(), noSub::toString);
    }

    private static String token(CliRun run) {
        Matcher m = TOKEN_LINE.matcher(run.out());
        assertTrue(m.find(), run::toString);
        return m.group(1);
    }
}
