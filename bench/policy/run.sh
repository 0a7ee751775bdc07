#!/bin/sh
# Builds and runs the policy benchmark on ONE core, with JMH's allocation profiler.
#   bench/policy/run.sh            # all benchmarks
#   bench/policy/run.sh drive      # only those matching a regex
# Results: bench/policy/results/<date>.txt (git-ignored).
set -eu
cd "$(dirname "$0")"
mvn -q -B package -DskipTests
mkdir -p results
out="results/$(date -u +%Y%m%dT%H%M%SZ).txt"
# taskset pins the JVM to one core: decisions/s on one core is the figure we report.
taskset -c 0 java -jar target/benchmarks.jar "${1:-PolicyBenchmark}" -prof gc -rf text -rff "$out.jmh" | tee "$out"
# The same decisions timed in thread CPU time (meaningful when other processes share the cores).
taskset -c 0 java -cp target/benchmarks.jar org.mistyproxy.bench.policy.CpuTime | tee -a "$out"
