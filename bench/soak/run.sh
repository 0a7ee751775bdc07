#!/usr/bin/env bash
# Soak benchmark (issue 13): a mistyproxy server started as a user starts it (`java -jar
# mistyproxy.jar serve`, no JVM flags of ours) in front of two simulated robots, for
#   - LIFECYCLES instance lifecycles (create, READY or INIT_FAIL, activate, a proxied call,
#     terminate) on deployment B, whose robot has faults switched on and off (500s, latency,
#     its /pubsub sockets cut);
#   - SOCKETS /pubsub sockets on a long-lived instance of deployment A, NONREADERS of which
#     subscribe and never read;
#   - the owner's changes alongside (access rules added and deleted, lock/unlock, reservations
#     made and cancelled by a third user);
#   - kill -9 of the server half way through, with churn and governance calls in flight, then a
#     restart on the same data_dir;
# and reports RSS, open fds, journal size, p99 of the control calls, and lost acknowledged
# changes (every change the API acknowledged, checked after the restart and at the end: must be 0).
# Bounded: stops by itself after the lifecycles or MAX_SECONDS, whichever first; cleans up.
#
#   bench/soak/run.sh
#   LIFECYCLES=200 SOCKETS=50 NONREADERS=5 bench/soak/run.sh      # a quick one
#
# Needs: a JDK, /usr/bin/python3 with requests and websocket (python3-websocket); builds
# proxy/target/mistyproxy.jar if it is missing (REBUILD=1 forces it).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR=${JAR:-$ROOT/proxy/target/mistyproxy.jar}
if [[ ! -f "$JAR" || "${REBUILD:-0}" == 1 ]]; then
    echo "building $JAR ..."
    (cd "$ROOT" && mvn -q -B -pl proxy -am package -DskipTests)
fi
exec /usr/bin/python3 "$ROOT/bench/soak/soak.py" --jar "$JAR" \
    --lifecycles "${LIFECYCLES:-1000}" --sockets "${SOCKETS:-200}" --nonreaders "${NONREADERS:-20}" \
    --max-seconds "${MAX_SECONDS:-900}"
