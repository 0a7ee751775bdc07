package org.mistyproxy.proxy;

import java.io.PrintWriter;
import org.mistyproxy.proxy.cli.MistyProxyCommand;
import picocli.CommandLine;

/** The {@code mistyproxy} program: parses the command line and runs one subcommand. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        // Undertow and XNIO log through jboss-logging, which otherwise picks java.util.logging and
        // prints two-line records; route them to slf4j so every log line has one shape.
        if (System.getProperty("org.jboss.logging.provider") == null) {
            System.setProperty("org.jboss.logging.provider", "slf4j");
        }
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code: 0 ok, 1 the command failed, 2 bad usage. */
    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    /**
     * Like {@link #run(String...)}, printing to {@code out} and {@code err} (tests capture them).
     * Commands print through {@code spec.commandLine().getOut()} / {@code getErr()}.
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new MistyProxyCommand());
        commandLine.setOut(out);
        commandLine.setErr(err);
        try {
            return commandLine.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }
}
