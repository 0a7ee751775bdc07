package org.mistyproxy.bench.policy;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.mistyproxy.policy.PolicyDecision;
import org.mistyproxy.policy.PolicyException;

/**
 * A cross-check of the JMH figures on a shared, overloaded machine: the same decisions as
 * {@link PolicyBenchmark}, timed in this thread's CPU time rather than wall time, so time the
 * thread spends waiting for a core does not count. Decisions/s = 1e9 / (CPU ns per decision).
 */
public final class CpuTime {
    private CpuTime() {}

    interface Op {
        PolicyDecision run();
    }

    public static void main(String[] args) throws PolicyException {
        PolicyBenchmark b = new PolicyBenchmark();
        b.setup();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        String[] names = {"driveDecision", "cameraDecision", "batteryDecision", "messyDecision"};
        Op[] ops = {b::driveDecision, b::cameraDecision, b::batteryDecision, b::messyDecision};
        int n = 500_000;
        long sink = 0;
        for (int round = 1; round <= 5; round++) {
            StringBuilder line = new StringBuilder("round " + round + ":");
            for (int k = 0; k < ops.length; k++) {
                long t0 = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < n; i++) {
                    sink += ops[k].run().httpStatus();
                }
                long ns = threads.getCurrentThreadCpuTime() - t0;
                line.append(String.format("  %s %.0f ns (%.2fM/s)", names[k], ns / (double) n, n * 1e3 / ns));
            }
            System.out.println(line);
        }
        if (sink == 42) {
            System.out.println();
        }
    }
}
