package org.mistyproxy.proxy.cli;

import picocli.CommandLine.Command;

/**
 * The top-level {@code mistyproxy} command. Each subcommand is its own class in this package;
 * add it to {@code subcommands} below. Picocli answers unknown commands and flags with a message
 * and exit code 2.
 */
@Command(
        name = "mistyproxy",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Lend a Misty II robot safely: policy-checked proxy URLs and camera feeds.",
        subcommands = {
            ServeCommand.class,
            ReloadCommand.class,
            DemoCommand.class,
            SimCommand.class,
            ConfigCommand.class,
            PolicyCommand.class,
            TokenCommand.class,
        })
public final class MistyProxyCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "Missing required subcommand");
    }
}
