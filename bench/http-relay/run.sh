#!/usr/bin/env bash
# HTTP relay benchmark: wrk, GET /api/battery, against
#   (a) the simulator directly,
#   (b) mistyproxy (a proxy URL of an instance whose deployment uses the shipped misty-safe.yaml),
#   (c) nginx as a plain keep-alive reverse proxy to the same simulator,
# all in one run on this machine, on loopback only. Prints requests/s, p50 and p99 of each, and the
# ratios mistyproxy/direct and mistyproxy/nginx. Everything it starts is stopped at the end.
#
#   bench/http-relay/run.sh                 # 64 connections, 20 s per target, 10 s warm-up each
#   DURATION=10s CONNECTIONS=32 bench/http-relay/run.sh
#   PROXY_JAVA_OPTS="-XX:StartFlightRecording=filename=/tmp/mp.jfr" bench/http-relay/run.sh   # profile mistyproxy
#
# Needs: wrk, nginx, curl, a JDK; builds proxy/target/mistyproxy.jar if it is missing (REBUILD=1 forces it).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-10s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
JAVA_OPTS=${JAVA_OPTS:-"-Xms512m -Xmx512m"}
JAR="$ROOT/proxy/target/mistyproxy.jar"

for tool in wrk nginx curl java; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool is not installed" >&2; exit 1; }
done
if [[ ! -f "$JAR" || "${REBUILD:-0}" == 1 ]]; then
    echo "building $JAR ..."
    (cd "$ROOT" && mvn -q -B -o -pl proxy -am package -DskipTests)
fi

WORK=$(mktemp -d /tmp/http-relay-bench.XXXXXX)
PIDS=()
NGINX_UP=0
cleanup() {
    if [[ $NGINX_UP == 1 ]]; then nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -s stop 2>/dev/null || true; fi
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() {  # wait_port PORT WHAT
    for _ in $(seq 1 300); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "run.sh: $2 did not listen on port $1 within 30 s" >&2
    exit 1
}
json_field() { /usr/bin/python3 -c 'import json,sys; v=json.load(sys.stdin)
for k in sys.argv[1].split("."): v = v[int(k)] if isinstance(v, list) else v[k]
print(v)' "$1"; }

SIM_PORT=$(free_port)
PROXY_PORT=$(free_port)
NGINX_PORT=$(free_port)

# ---- the robot: the simulator in its own JVM
# (--log-limit keeps its request log, the tests' oracle, from growing through the run)
java $JAVA_OPTS -jar "$JAR" sim --host 127.0.0.1 --port "$SIM_PORT" --log-limit 1000 >"$WORK/sim.log" 2>&1 &
PIDS+=($!)
wait_port "$SIM_PORT" simulator

# ---- mistyproxy with one deployment on the shipped misty-safe policy (no policy: line = misty-safe)
TOKEN=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
TOKEN_SHA=$(printf %s "$TOKEN" | sha256sum | cut -d' ' -f1)
DEPLOYMENT=$(cat /proc/sys/kernel/random/uuid)
cat >"$WORK/mistyproxy.yaml" <<EOF
listen:
  host: 127.0.0.1
  port: $PROXY_PORT
data_dir: $WORK/data
users:
  - name: bench
    role: owner
    token_sha256: $TOKEN_SHA
deployments:
  - id: $DEPLOYMENT
    region: bench
    description: simulator for the relay benchmark
    robot: 127.0.0.1:$SIM_PORT
    cors_origins: ["*"]
EOF
java $JAVA_OPTS ${PROXY_JAVA_OPTS:-} -jar "$JAR" serve --config "$WORK/mistyproxy.yaml" >"$WORK/mistyproxy.log" 2>&1 &
PIDS+=($!)
wait_port "$PROXY_PORT" mistyproxy
API="http://127.0.0.1:$PROXY_PORT"
AUTH="Authorization: Bearer $TOKEN"
IID=$(curl -fsS -X POST -H "$AUTH" "$API/new/$DEPLOYMENT" | json_field id)
for _ in $(seq 1 100); do
    [[ $(curl -fsS -H "$AUTH" "$API/instance/$IID" | json_field status) == READY ]] && break
    sleep 0.1
done
curl -fsS -X POST -H "$AUTH" "$API/addon/mistyproxy/$IID" >/dev/null
for _ in $(seq 1 100); do
    STATUS=$(curl -fsS -H "$AUTH" "$API/addon/mistyproxy/$IID")
    [[ $(json_field status <<<"$STATUS") == active ]] && break
    sleep 0.1
done
PROXY_URL=$(json_field url.1 <<<"$STATUS")
[[ $(curl -s -o /dev/null -w '%{http_code}' "$PROXY_URL/api/battery") == 200 ]] \
    || { echo "run.sh: GET \$PROXY_URL/api/battery is not 200 through mistyproxy" >&2; tail -20 "$WORK/mistyproxy.log" >&2; exit 1; }

# ---- nginx: a plain keep-alive reverse proxy to the same simulator (access log on, as mistyproxy logs too)
mkdir -p "$WORK/nginx/logs" "$WORK/nginx/tmp"
cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log $WORK/nginx/logs/access.log;
    client_body_temp_path $WORK/nginx/tmp/body;
    proxy_temp_path $WORK/nginx/tmp/proxy;
    fastcgi_temp_path $WORK/nginx/tmp/fastcgi;
    uwsgi_temp_path $WORK/nginx/tmp/uwsgi;
    scgi_temp_path $WORK/nginx/tmp/scgi;
    upstream robot {
        server 127.0.0.1:$SIM_PORT;
        keepalive 64;
    }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location / {
            proxy_pass http://robot;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host 127.0.0.1:$SIM_PORT;
            proxy_set_header X-Forwarded-For \$remote_addr;
        }
    }
}
EOF
nginx -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf"
NGINX_UP=1
wait_port "$NGINX_PORT" nginx

# ---- measure
run_wrk() {  # run_wrk NAME URL
    curl -fsS -X DELETE "http://127.0.0.1:$SIM_PORT/_sim/requests" >/dev/null || true
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$2" >/dev/null
    curl -fsS -X DELETE "http://127.0.0.1:$SIM_PORT/_sim/requests" >/dev/null || true
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$2" >"$WORK/$1.wrk"
}
run_wrk direct "http://127.0.0.1:$SIM_PORT/api/battery"
run_wrk mistyproxy "$PROXY_URL/api/battery"
run_wrk nginx "http://127.0.0.1:$NGINX_PORT/api/battery"

# wrk prints latencies as 812.00us, 1.22ms or 1.01s: everything in ms here.
parse() {  # parse NAME -> "rps p50 p99 non2xx errors"
    awk '
        function ms(v) {
            if (v ~ /us$/) { sub(/us$/, "", v); return v / 1000 }
            if (v ~ /ms$/) { sub(/ms$/, "", v); return v + 0 }
            if (v ~ /m$/)  { sub(/m$/, "", v);  return v * 60000 }
            if (v ~ /s$/)  { sub(/s$/, "", v);  return v * 1000 }
            return v + 0
        }
        /Requests\/sec:/ { rps = $2 }
        $1 == "50%" { p50 = ms($2) }
        $1 == "99%" { p99 = ms($2) }
        /Non-2xx or 3xx responses:/ { non2xx = $NF }
        /Socket errors:/ { errors = $0; sub(/.*Socket errors: /, "", errors); gsub(/ /, "", errors) }
        END { printf "%s %.3f %.3f %s %s\n", rps, p50, p99, (non2xx == "" ? 0 : non2xx), (errors == "" ? "none" : errors) }
    ' "$WORK/$1.wrk"
}
read -r D_RPS D_P50 D_P99 D_NON D_ERR <<<"$(parse direct)"
read -r M_RPS M_P50 M_P99 M_NON M_ERR <<<"$(parse mistyproxy)"
read -r N_RPS N_P50 N_P99 N_NON N_ERR <<<"$(parse nginx)"

echo
echo "GET /api/battery, wrk -t$THREADS -c$CONNECTIONS -d$DURATION (after ${WARMUP} warm-up), $(nproc) cores, loopback"
printf '%-28s %12s %10s %10s %10s  %s\n' target "requests/s" "p50 ms" "p99 ms" non-2xx "socket errors"
printf '%-28s %12.0f %10.3f %10.3f %10s  %s\n' "simulator (direct)" "$D_RPS" "$D_P50" "$D_P99" "$D_NON" "$D_ERR"
printf '%-28s %12.0f %10.3f %10.3f %10s  %s\n' "mistyproxy (misty-safe)" "$M_RPS" "$M_P50" "$M_P99" "$M_NON" "$M_ERR"
printf '%-28s %12.0f %10.3f %10.3f %10s  %s\n' "nginx (keep-alive proxy)" "$N_RPS" "$N_P50" "$N_P99" "$N_NON" "$N_ERR"
awk -v d="$D_RPS" -v m="$M_RPS" -v n="$N_RPS" -v dp="$D_P99" -v mp="$M_P99" -v np="$N_P99" 'BEGIN {
    printf "mistyproxy/direct: throughput %.2f, p99 %.2f\n", m / d, mp / dp
    printf "mistyproxy/nginx:  throughput %.2f, p99 %.2f\n", m / n, mp / np
}'
