package org.mistyproxy.proxy.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code mistyproxy token ...}: control-API tokens. */
@Command(
        name = "token",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Control-API tokens.",
        subcommands = {TokenNewCommand.class})
final class TokenCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand");
    }
}
