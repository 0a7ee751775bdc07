package org.mistyproxy.proxy.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.mistyproxy.config.ConfigException;
import org.mistyproxy.config.ConfigLoader;
import org.mistyproxy.config.Deployment;
import org.mistyproxy.config.MistyProxyConfig;
import org.mistyproxy.policy.Policy;
import org.mistyproxy.config.ConfigError;
import org.mistyproxy.policy.PolicyException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code mistyproxy config check FILE}: load a configuration as {@code serve} would, policy files
 * included, and say what is wrong.
 */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Check a configuration file and print every error in it.",
            "The file is YAML or JSON; the policy files it names are checked too.",
            "Errors are printed one per line as FILE:LINE:COLUMN PATH: PROBLEM.",
            "Exit status: 0 valid, 1 errors found, 2 bad usage."
        })
final class ConfigCheckCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "the configuration file (.yaml, .yml or .json)")
    Path file;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            MistyProxyConfig config = ConfigLoader.load(file);
            int policyErrors = checkPolicies(config, err);
            if (policyErrors > 0) {
                err.println(count(policyErrors, "error") + " in the policy files of " + file);
                return 1;
            }
            out.println("ok: " + count(config.deployments().size(), "deployment") + ", "
                    + count(config.users().size(), "user"));
            return 0;
        } catch (ConfigException e) {
            for (ConfigError error : e.errors()) {
                err.println(error);
            }
            err.println(count(e.errors().size(), "error") + " in " + file);
            return 1;
        }
    }

    /** Loads each deployment's policy file as the server does at start; prints the errors, returns how many. */
    private static int checkPolicies(MistyProxyConfig config, PrintWriter err) {
        int errors = 0;
        for (Deployment d : config.deployments()) {
            if (d.policy().isPresent()) {
                try {
                    Policy.load(d.policy().get());
                } catch (PolicyException e) {
                    for (ConfigError error : e.errors()) {
                        err.println(error);
                    }
                    errors += e.errors().size();
                }
            }
        }
        return errors;
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
