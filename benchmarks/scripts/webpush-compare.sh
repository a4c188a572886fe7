#!/usr/bin/env bash
# Web Push beside SimplePush in one sitting, same server build: notify as fast as 128 requests in flight allow, and
# heap per idle connection with the server's class histogram before connecting and while holding. Every run against
# a fresh server warmed in both dialects; the dialects alternate. Results: webpush-*.json/.log in the results folder.
# Usage: benchmarks/scripts/webpush-compare.sh [results-dir]   (after: mvn -B -DskipTests package)
# NOTIFY_RUNS (3), IDLE_RUNS (2), IDLE_DEVICES (15000) change the counts.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-docs/benchmarks/results}
mkdir -p "$OUT"
WARM_DIALECTS="simplepush webpush"
# The load tool with C2 here (bench-lib.sh's default is C1 only, for storms that last seconds): a notify run lasts 30 s
# after its warm-up, and under C1 the tool's per-byte work on a Web Push message (the 2,731-character base64url body it
# decodes and compares, the frame it scans) cost it 18 us more than a SimplePush update, charged to Web Push's share of
# the two cores. With C2 the tool spends as much per Web Push message as per SimplePush update.
LOAD_JVM=${LOAD_JVM:-"-Xmx2g -XX:+UseG1GC"}
. benchmarks/scripts/bench-lib.sh

for i in $(seq 1 "${NOTIFY_RUNS:-3}"); do
  for dialect in simplepush webpush; do
    run "webpush-notify-$dialect-$i" --dialect "$dialect" --scenario notify --devices 10000 --rate 0 \
        --max-in-flight 128 --duration 20s --warmup 5s
  done
done

histogram() { # file: the server's live objects by class, largest first (jmap forces a full GC first)
  jmap -histo:live "$SERVER_PID" > /tmp/simplepush-bench-histo.txt
  head -150 /tmp/simplepush-bench-histo.txt > "$1"
}
for i in $(seq 1 "${IDLE_RUNS:-2}"); do
  for dialect in simplepush webpush; do
    name="webpush-idle-$dialect-$i"
    start_server
    warm_server
    histogram "$OUT/$name.histo-before.txt"
    measure "$name" --dialect "$dialect" --scenario idle --devices "${IDLE_DEVICES:-15000}" --duration 70s \
        --warmup 1s &
    load=$!
    # While the devices are held: 60 s after they are all connected, before the tool's own last sample at 70 s.
    for _ in $(seq 1 300); do grep -q "server after:" "$OUT/$name.log" 2>/dev/null && break; sleep 1; done
    sleep 60
    histogram "$OUT/$name.histo-held.txt"
    wait "$load"
    stop_server
  done
done
