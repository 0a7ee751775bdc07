package org.mistyproxy.proxy;

import org.mistyproxy.proxy.cli.MistyProxyCommand;
import picocli.CommandLine;

/** The {@code mistyproxy} program: parses the command line and runs one subcommand. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code: 0 ok, 1 the command failed, 2 bad usage. */
    public static int run(String... args) {
        return new CommandLine(new MistyProxyCommand()).execute(args);
    }
}
