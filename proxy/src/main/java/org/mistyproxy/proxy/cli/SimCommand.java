package org.mistyproxy.proxy.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.mistyproxy.sim.Simulator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mistyproxy sim}: runs the Misty II simulator until the process is stopped. */
@Command(name = "sim", mixinStandardHelpOptions = true,
        description = {"Run a simulated Misty II robot (REST /api, WebSocket /pubsub, inspection API /_sim) until stopped.",
                "See sim/README.md for the inspection API and fault knobs."})
public final class SimCommand implements Callable<Integer> {
    @Option(names = "--port", defaultValue = "9090", description = "TCP port to listen on (0 picks a free one; default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String host;

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65535) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--port must be between 0 and 65535, got " + port);
        }
        Simulator robot = Simulator.start(host, port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            robot.close();
            stopped.countDown();
        }, "sim-shutdown"));
        System.out.println("Misty II simulator listening on " + robot.baseUrl()
                + " (try: curl " + robot.baseUrl() + "/api/device); stop with Ctrl-C");
        System.out.flush();
        stopped.await();
        return 0;
    }
}
