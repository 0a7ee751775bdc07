#!/usr/bin/env bash
# /pubsub relay benchmark: events/s and latency direct vs through the relay, and CPU per relayed event.
# usage: bench/ws-relay/run.sh [sockets=10] [subscriptions per socket=20] [seconds=10]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
jar=proxy/target/mistyproxy.jar
if [[ ! -f $jar || -n "${REBUILD:-}" ]]; then
  mvn -q -B -o -pl proxy -am package -DskipTests
fi
exec java -Dorg.jboss.logging.provider=slf4j -Dmistyproxy.log.level=warn \
  -cp "$jar" bench/ws-relay/WsRelayBench.java "$@"
