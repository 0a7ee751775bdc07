package org.mistyproxy.proxy.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.mistyproxy.config.ConfigError;
import org.mistyproxy.config.ConfigException;
import org.mistyproxy.config.ConfigLoader;
import org.mistyproxy.config.MistyProxyConfig;
import org.mistyproxy.proxy.server.ProxyServer;
import org.mistyproxy.proxy.server.ServerOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mistyproxy serve --config FILE}: run the server until SIGTERM / Ctrl-C, then shut down gracefully. */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Run the mistyproxy server from a configuration file.",
            "Stops on SIGTERM or Ctrl-C after in-flight requests finish.",
            "SIGHUP re-reads the configuration file (see mistyproxy reload).",
            "Exit status: 0 stopped, 1 configuration or startup error, 2 bad usage."
        })
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "the configuration file (.yaml, .yml or .json)")
    Path config;

    @Option(names = "--skip-damaged-journal-lines", description = "start even if a line in the middle of "
            + "a store file in data_dir (the instance journal, rules, lock-outs, reservations, ...) is unreadable: drop that line (the change it held is lost) with a warning. "
            + "Without it the server refuses to start and names the line")
    boolean skipDamagedJournalLines;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        MistyProxyConfig cfg;
        try {
            cfg = ConfigLoader.load(config);
        } catch (ConfigException e) {
            for (ConfigError error : e.errors()) err.println(error);
            return 1;
        }
        ProxyServer server;
        try {
            server = ProxyServer.start(cfg, ServerOptions.defaults().withSkipDamagedJournalLines(skipDamagedJournalLines));
        } catch (IOException | RuntimeException e) {
            err.println("mistyproxy: cannot start: " + e.getMessage());
            return 1;
        }
        out.println("mistyproxy serving " + cfg.deployments().size() + " deployment(s) at " + server.publicBaseUrl());
        out.flush();
        HangupSignal.install(server, err);
        awaitSignal(server);
        return 0;
    }

    /** Blocks until the JVM is asked to stop; the hook closes the server gracefully before exit. */
    static void awaitSignal(ProxyServer server) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "mistyproxy-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        stopped.await();
    }
}
