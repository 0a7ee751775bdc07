package org.mistyproxy.proxy.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.mistyproxy.sim.Simulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code mistyproxy sim}: runs the Misty II simulator until the process is stopped. */
@Command(name = "sim", mixinStandardHelpOptions = true,
        description = {"Run a simulated Misty II robot (REST /api, WebSocket /pubsub, inspection API /_sim) until stopped.",
                "See sim/README.md for the inspection API and fault knobs."})
public final class SimCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", defaultValue = "9090", description = "TCP port to listen on (0 picks a free one; default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--log-limit", defaultValue = "50000",
            description = "Keep at most this many entries in the request log, dropping the oldest (default ${DEFAULT-VALUE}).")
    int logLimit;

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65535) {
            throw new ParameterException(spec.commandLine(), "--port must be between 0 and 65535, got " + port);
        }
        if (logLimit < 1) {
            throw new ParameterException(spec.commandLine(), "--log-limit must be at least 1, got " + logLimit);
        }
        Simulator robot;
        try {
            robot = Simulator.start(host, port);
            robot.requestLogLimit(logLimit);
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println("sim: " + e.getMessage());
            return 1;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            robot.close();
            stopped.countDown();
        }, "sim-shutdown"));
        PrintWriter out = spec.commandLine().getOut();
        out.println("Misty II simulator listening on " + robot.baseUrl()
                + " (try: curl " + robot.baseUrl() + "/api/device); stop with Ctrl-C");
        out.flush();
        // Runs until the process is stopped; the shutdown hook closes the simulator.
        stopped.await();
        return 0;
    }
}
