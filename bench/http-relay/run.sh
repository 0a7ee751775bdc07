#!/usr/bin/env bash
# HTTP relay benchmark: wrk, GET /api/battery, against
#   (a) the simulator directly,
#   (b) mistyproxy (a proxy URL of an instance whose deployment uses the shipped misty-safe policy),
#       started exactly as a user starts it: `java -jar mistyproxy.jar serve`, no JVM flags of ours,
#   (c) nginx as a keep-alive reverse proxy to the same simulator, in its fastest configuration for a
#       small machine: access log off, keep-alive upstream, once with 1 worker and once with 2 (the
#       better of the two by median throughput is "nginx best"),
# server and simulator in separate processes, all on loopback. After one warm-up pass over every
# target, ROUNDS interleaved rounds (the order rotates each round) measure each target; it prints the
# median of the rounds and their spread (min-max), and the ratios against nginx best. Everything it
# starts is stopped at the end.
#
#   bench/http-relay/run.sh                       # 3 rounds of 10 s per target, 30 s warm-up each
#   ROUNDS=5 DURATION=20s bench/http-relay/run.sh
#   JAR=/path/to/other/mistyproxy.jar bench/http-relay/run.sh    # measure another build (before/after)
#   PROXY_JAVA_OPTS="-XX:StartFlightRecording=filename=/tmp/mp.jfr" bench/http-relay/run.sh   # profile
#
# Needs: wrk, nginx, curl, a JDK; builds proxy/target/mistyproxy.jar if it is missing (REBUILD=1 forces it).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DURATION=${DURATION:-10s}
# 30 s: the JVM's JIT is still compiling after 10 s of load (-XX:+PrintCompilation: 2,789 compile
# events in the first 10 s, 1,582 in the next 10, ~100 per 10 s after 30 s; PROFILE.md)
WARMUP=${WARMUP:-30s}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
# No JVM flags by default: what is measured is what a user runs. SIM_JAVA_OPTS / PROXY_JAVA_OPTS
# are for experiments and profiling.
SIM_JAVA_OPTS=${SIM_JAVA_OPTS:-}
PROXY_JAVA_OPTS=${PROXY_JAVA_OPTS:-}
BUILT_JAR="$ROOT/proxy/target/mistyproxy.jar"
JAR=${JAR:-$BUILT_JAR}

for tool in wrk nginx curl java; do
    command -v "$tool" >/dev/null || { echo "run.sh: $tool is not installed" >&2; exit 1; }
done
if [[ "$JAR" == "$BUILT_JAR" ]] && [[ ! -f "$JAR" || "${REBUILD:-0}" == 1 ]]; then
    echo "building $JAR ..."
    (cd "$ROOT" && mvn -q -B -pl proxy -am package -DskipTests)
fi
[[ -f "$JAR" ]] || { echo "run.sh: no jar at $JAR" >&2; exit 1; }

WORK=$(mktemp -d /tmp/http-relay-bench.XXXXXX)
PIDS=()
NGINX_UP=()
cleanup() {
    for n in "${NGINX_UP[@]}"; do nginx -p "$WORK/$n" -c "$WORK/$n/nginx.conf" -s stop 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
# shellcheck source=start.sh
source "$ROOT/bench/http-relay/start.sh"
NGINX1_PORT=$(free_port)
NGINX2_PORT=$(free_port)


# ---- nginx: a keep-alive reverse proxy to the same simulator, access log off; 1 and 2 workers
start_nginx() {  # start_nginx NAME WORKERS PORT
    local dir="$WORK/$1"
    mkdir -p "$dir/logs" "$dir/tmp"
    cat >"$dir/nginx.conf" <<EOF
worker_processes $2;
pid $dir/nginx.pid;
error_log $dir/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    upstream robot {
        server 127.0.0.1:$SIM_PORT;
        keepalive 64;
    }
    server {
        listen 127.0.0.1:$3;
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
    nginx -p "$dir" -c "$dir/nginx.conf"
    NGINX_UP+=("$1")
    wait_port "$3" "nginx ($1)"
}
start_nginx nginx1 1 "$NGINX1_PORT"
start_nginx nginx2 2 "$NGINX2_PORT"

NAMES=(direct mistyproxy nginx1 nginx2)
declare -A URL=(
    [direct]="http://127.0.0.1:$SIM_PORT/api/battery"
    [mistyproxy]="$PROXY_URL/api/battery"
    [nginx1]="http://127.0.0.1:$NGINX1_PORT/api/battery"
    [nginx2]="http://127.0.0.1:$NGINX2_PORT/api/battery"
)
declare -A LABEL=(
    [direct]="simulator (direct)"
    [mistyproxy]="mistyproxy (misty-safe)"
    [nginx1]="nginx, 1 worker"
    [nginx2]="nginx, 2 workers"
)

# ---- measure: one warm-up pass, then interleaved rounds whose order rotates
clear_sim_log() { curl -fsS -X DELETE "http://127.0.0.1:$SIM_PORT/_sim/requests" >/dev/null || true; }
for n in "${NAMES[@]}"; do
    clear_sim_log
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "${URL[$n]}" >/dev/null
done
for ((r = 0; r < ROUNDS; r++)); do
    for ((k = 0; k < ${#NAMES[@]}; k++)); do
        n=${NAMES[$(((k + r) % ${#NAMES[@]}))]}
        clear_sim_log
        wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "${URL[$n]}" >"$WORK/$n.$r.wrk"
    done
done

# wrk prints latencies as 812.00us, 1.22ms or 1.01s: everything in ms here.
parse() {  # parse FILE -> "rps p50 p99 non2xx errors"
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
    ' "$1"
}
# summary NAME -> "rps_median rps_min rps_max p50_median p99_median p99_min p99_max non2xx errors"
summary() {
    for ((r = 0; r < ROUNDS; r++)); do parse "$WORK/$1.$r.wrk"; done | awk '
        function med(a, n,   i, j, t, b) {
            for (i = 1; i <= n; i++) b[i] = a[i]
            for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (b[j] < b[i]) { t = b[i]; b[i] = b[j]; b[j] = t }
            return n % 2 ? b[(n + 1) / 2] : (b[n / 2] + b[n / 2 + 1]) / 2
        }
        function lo(a, n,   i, m) { m = a[1]; for (i = 2; i <= n; i++) if (a[i] < m) m = a[i]; return m }
        function hi(a, n,   i, m) { m = a[1]; for (i = 2; i <= n; i++) if (a[i] > m) m = a[i]; return m }
        { rps[NR] = $1; p50[NR] = $2; p99[NR] = $3; non += $4; if ($5 != "none") err = err $5 ";" }
        END { printf "%.0f %.0f %.0f %.3f %.3f %.3f %.3f %d %s\n", med(rps, NR), lo(rps, NR), hi(rps, NR),
              med(p50, NR), med(p99, NR), lo(p99, NR), hi(p99, NR), non, (err == "" ? "none" : err) }'
}
declare -A S
for n in "${NAMES[@]}"; do S[$n]=$(summary "$n"); done
BEST=nginx1
if (($(cut -d' ' -f1 <<<"${S[nginx2]}") > $(cut -d' ' -f1 <<<"${S[nginx1]}"))); then BEST=nginx2; fi

echo
echo "GET /api/battery, wrk -t$THREADS -c$CONNECTIONS, $ROUNDS interleaved rounds of $DURATION after a $WARMUP warm-up per target"
echo "$(nproc) cores, loopback, load average before the run: $LOAD_BEFORE"
echo "jar: $JAR${PROXY_JAVA_OPTS:+ (PROXY_JAVA_OPTS=$PROXY_JAVA_OPTS)}"
printf '%-26s %9s %15s %8s %8s %15s %8s  %s\n' target "req/s" "req/s min-max" "p50 ms" "p99 ms" "p99 min-max" non-2xx "socket errors"
for n in "${NAMES[@]}"; do
    read -r rps rlo rhi p50 p99 plo phi non err <<<"${S[$n]}"
    printf '%-26s %9s %15s %8s %8s %15s %8s  %s\n' "${LABEL[$n]}" "$rps" "$rlo-$rhi" "$p50" "$p99" "$plo-$phi" "$non" "$err"
done
read -r M_RPS _ _ _ M_P99 _ <<<"${S[mistyproxy]}"
read -r B_RPS _ _ _ B_P99 _ <<<"${S[$BEST]}"
read -r D_RPS _ _ _ D_P99 _ <<<"${S[direct]}"
awk -v d="$D_RPS" -v m="$M_RPS" -v n="$B_RPS" -v dp="$D_P99" -v mp="$M_P99" -v np="$B_P99" -v best="${LABEL[$BEST]}" 'BEGIN {
    printf "nginx best: %s (medians)\n", best
    printf "mistyproxy/direct:     throughput %.2f, p99 %.2f\n", m / d, mp / dp
    printf "mistyproxy/nginx best: throughput %.2f, p99 %.2f\n", m / n, mp / np
}'
