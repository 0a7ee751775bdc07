package org.mistyproxy.proxy.cli;

import java.io.PrintWriter;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.mistyproxy.config.Role;
import org.mistyproxy.config.User;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code mistyproxy token new --user NAME [--role owner|user]}: a fresh 256-bit API token, printed
 * once, and the {@code users} entry that holds only its SHA-256, so the token itself is never stored.
 */
@Command(
        name = "new",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Make a fresh 256-bit API token for a control-API user.",
            "The token is printed once; the configuration keeps only its SHA-256:",
            "paste the printed entry under users: in the configuration file."
        })
final class TokenNewCommand implements Callable<Integer> {
    private static final int TOKEN_BYTES = 32;

    @Option(names = "--user", required = true, paramLabel = "NAME",
            description = "the user's name: 1 to 64 letters, digits, . _ @ or -")
    String user;

    @Option(names = "--role", paramLabel = "owner|user", defaultValue = "user", converter = RoleConverter.class,
            description = "owner: sees and terminates every instance; user: only their own (default: ${DEFAULT-VALUE})")
    Role role;

    @Spec
    CommandSpec spec;

    private final SecureRandom random = new SecureRandom();

    @Override
    public Integer call() {
        if (!User.isValidName(user)) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--user': must be 1 to 64"
                    + " letters, digits, . _ @ or -, starting with a letter or digit, got '" + user + "'");
        }
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        // base64url without padding: 43 characters that need no escaping in headers, URLs or YAML.
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String roleName = role.name().toLowerCase(Locale.ROOT);
        PrintWriter out = spec.commandLine().getOut();
        out.println("API token for " + user + " (shown only this once; the server stores only its SHA-256):");
        out.println();
        out.println("    " + token);
        out.println();
        out.println("The client sends it as: Authorization: Bearer <token>");
        out.println("Add this entry under \"users:\" in the configuration file:");
        out.println();
        out.println("  - name: " + user);
        out.println("    role: " + roleName);
        out.println("    token_sha256: " + User.sha256Hex(token));
        return 0;
    }

    static final class RoleConverter implements ITypeConverter<Role> {
        @Override
        public Role convert(String value) {
            switch (value) {
                case "owner": return Role.OWNER;
                case "user": return Role.USER;
                default: throw new TypeConversionException("must be owner or user, got '" + value + "'");
            }
        }
    }
}
