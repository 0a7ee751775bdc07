// Starts the Misty II simulator in its own JVM for the benchmark:
//   java -cp proxy/target/mistyproxy.jar bench/http-relay/RunSimulator.java 127.0.0.1 PORT
// (a single-file program, so the benchmark needs nothing beyond the fat jar). Stops on SIGTERM.
import org.mistyproxy.sim.Simulator;

public final class RunSimulator {
    public static void main(String[] args) throws Exception {
        Simulator robot = Simulator.start(args[0], Integer.parseInt(args[1]));
        Runtime.getRuntime().addShutdownHook(new Thread(robot::close));
        System.out.println("simulator listening on " + robot.baseUrl());
        Thread.currentThread().join();
    }
}
