# Sourced by run.sh and profile.sh: starts the simulator and mistyproxy (each in its own JVM, as a
# user starts them), creates an instance of a misty-safe deployment through the control API and
# activates its proxy URL. Expects JAR, WORK (a temp folder), PIDS (an array; the simulator's and
# mistyproxy's pids are appended, in that order), SIM_JAVA_OPTS and PROXY_JAVA_OPTS; sets SIM_PORT,
# PROXY_PORT, API, AUTH and PROXY_URL, and defines free_port, wait_port and json_field.
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() {  # wait_port PORT WHAT
    for _ in $(seq 1 300); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "start.sh: $2 did not listen on port $1 within 30 s" >&2
    exit 1
}
json_field() { /usr/bin/python3 -c 'import json,sys; v=json.load(sys.stdin)
for k in sys.argv[1].split("."): v = v[int(k)] if isinstance(v, list) else v[k]
print(v)' "$1"; }

SIM_PORT=$(free_port)
PROXY_PORT=$(free_port)

# ---- the robot: the simulator in its own JVM
# (--log-limit keeps its request log, the tests' oracle, from growing through the run)
java $SIM_JAVA_OPTS -jar "$JAR" sim --host 127.0.0.1 --port "$SIM_PORT" --log-limit 1000 >"$WORK/sim.log" 2>&1 &
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
# One wrk client is one "borrower" at 64 connections and tens of thousands of requests a second: far
# past the per-instance quotas a real borrower gets (issue 13). Raise them, so that what is measured
# is the relay, not the 429/503 of a quota. (Builds older than the quotas do not know the field.)
cp "$WORK/mistyproxy.yaml" "$WORK/plain.yaml"
cat >>"$WORK/mistyproxy.yaml" <<EOF
    quotas: {connections: 100000, in_flight: 100000, requests_per_second: 100000, burst: 100000}
EOF
if ! java -jar "$JAR" config check "$WORK/mistyproxy.yaml" >/dev/null 2>&1; then
    cp "$WORK/plain.yaml" "$WORK/mistyproxy.yaml"
fi
java $PROXY_JAVA_OPTS -jar "$JAR" serve --config "$WORK/mistyproxy.yaml" >"$WORK/mistyproxy.log" 2>&1 &
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
    || { echo "start.sh: GET \$PROXY_URL/api/battery is not 200 through mistyproxy" >&2; tail -20 "$WORK/mistyproxy.log" >&2; exit 1; }
