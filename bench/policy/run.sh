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
