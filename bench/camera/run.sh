#!/usr/bin/env bash
# Camera snapshot benchmark: a synthetic 1280x720 camera at 30 fps behind a real mistyproxy server
# (fat jar, its own JVM) and the simulator as robot; CamBench.java drives 1, 10 and 50 concurrent
# closed-loop clients of GET /addon/cam/{iid}/bench/img and prints a Markdown table; then
# FeedBench.java opens 10, 100 and 1,000 MJPEG viewers of the same camera and prints another.
#
#   bench/camera/run.sh                     # 10 s per step, default JSON (base64 JPEG) snapshots
#   SECONDS_PER_STEP=20 QUERY='?format=npy' bench/camera/run.sh
#   STEPS=feed VIEWERS=10,100,1000 bench/camera/run.sh
#   JAR=/tmp/old.jar FEED_LIMITS=0 bench/camera/run.sh   # an older build (before the feed limits existed)
#
# Needs: JDK 17, Maven (offline cache ok), /usr/bin/python3 (free ports, hashing).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
SECONDS_PER_STEP=${SECONDS_PER_STEP:-10}
CLIENTS=${CLIENTS:-1,10,50}
QUERY=${QUERY:-}
STEPS=${STEPS:-snapshot,feed}
VIEWERS=${VIEWERS:-10,100,1000}
KIND=${KIND:-mjpeg}   # or websocket
FEED_LIMITS=${FEED_LIMITS:-1}
WIDTH=${WIDTH:-1280} HEIGHT=${HEIGHT:-720} FPS=${FPS:-30} QUALITY=${QUALITY:-80}

JAR=${JAR:-proxy/target/mistyproxy.jar}
if [ ! -f "$JAR" ] || [ -n "${REBUILD:-}" ]; then
  mvn -q -B -o -pl proxy -am package -Dmaven.test.skip=true
fi

WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
SIM_PORT=$(free_port)
PORT=$(free_port)
TOKEN=$(/usr/bin/python3 -c 'import secrets; print(secrets.token_urlsafe(32))')
SHA=$(printf '%s' "$TOKEN" | sha256sum | cut -d' ' -f1)
DEPLOYMENT=$(/usr/bin/python3 -c 'import uuid; print(uuid.uuid4())')

# The feed step needs room for 1,000 viewers of one instance (the defaults are far lower).
LIMITS_TOP="" LIMITS_DEPLOYMENT=""
if [ "$FEED_LIMITS" = 1 ]; then
  LIMITS_TOP="camera_feeds_max: 2000"
  LIMITS_DEPLOYMENT="camera_feeds_per_instance: 1000"
fi
cat > "$WORK/bench.yaml" <<YAML
$LIMITS_TOP
listen:
  host: 127.0.0.1
  port: $PORT
data_dir: $WORK/data
users:
  - name: bench
    role: owner
    token_sha256: $SHA
deployments:
  - id: $DEPLOYMENT
    region: bench
    description: camera benchmark
    robot: 127.0.0.1:$SIM_PORT
    $LIMITS_DEPLOYMENT
    cameras:
      - id: bench
        source: synthetic
        width: $WIDTH
        height: $HEIGHT
        fps: $FPS
        jpeg_quality: $QUALITY
YAML

export OPENCV_LOG_LEVEL=ERROR
java -jar "$JAR" sim --host 127.0.0.1 --port "$SIM_PORT" > "$WORK/sim.log" 2>&1 &
PIDS+=($!)
# SERVER_JAVA_OPTS, e.g. '-XX:StartFlightRecording=filename=/tmp/cam.jfr', to profile the server.
java ${SERVER_JAVA_OPTS:-} -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -jar "$JAR" serve --config "$WORK/bench.yaml" > "$WORK/server.log" 2>&1 &
SERVER=$!
PIDS+=($SERVER)
for i in $(seq 1 100); do
  if curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null && curl -s "http://127.0.0.1:$SIM_PORT/api/device" > /dev/null; then break; fi
  sleep 0.2
done
curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null || { echo "server did not start:"; cat "$WORK/server.log"; exit 1; }

echo "camera benchmark: synthetic ${WIDTH}x${HEIGHT} @ ${FPS} fps, JPEG quality $QUALITY, query '${QUERY}', ${SECONDS_PER_STEP} s per step, $(nproc) cores, jar $JAR"
echo "load: $(uptime)"
if [[ ",$STEPS," == *,snapshot,* ]]; then
  java bench/camera/CamBench.java --base "http://127.0.0.1:$PORT" --token "$TOKEN" --deployment "$DEPLOYMENT" \
    --pid "$SERVER" --seconds "$SECONDS_PER_STEP" --clients "$CLIENTS" --query "$QUERY"
fi
if [[ ",$STEPS," == *,feed,* ]]; then
  java bench/camera/FeedBench.java --base "http://127.0.0.1:$PORT" --token "$TOKEN" --deployment "$DEPLOYMENT" \
    --pid "$SERVER" --seconds "$SECONDS_PER_STEP" --viewers "$VIEWERS" --kind "$KIND"
fi
echo "load: $(uptime)"
