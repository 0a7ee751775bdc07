package org.mistyproxy.proxy.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code mistyproxy config ...}: work with configuration files. */
@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Work with configuration files (see config/README.md for the format).",
        subcommands = {ConfigCheckCommand.class})
final class ConfigCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand");
    }
}
