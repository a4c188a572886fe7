#!/usr/bin/env bash
# Web Push beside SimplePush for two builds in one sitting, each build a server jar and the load tool it is measured
# with. The host's speed drifts by a quarter within minutes, so a ratio is only taken between runs seconds apart:
# per build, one server warmed in both dialects, then PAIRS pairs of runs back to back (a SimplePush run and a Web
# Push run, the first of the two alternating), each as fast as 128 requests in flight allow, 10,000 devices.
# Results: NAME-{before,after}-{simplepush,webpush}-N.json/.log; the ratio of pair N is webpush-N ÷ simplepush-N.
# Usage: benchmarks/scripts/ratio-compare.sh BEFORE_SERVER_JAR BEFORE_LOAD_JAR AFTER_SERVER_JAR AFTER_LOAD_JAR NAME
#        [results-dir]   PAIRS (6) and SECONDS_EACH (12, measured after a 3 s warm-up) change the counts.
set -euo pipefail
cd "$(dirname "$0")/../.."
BEFORE_SERVER=$1 BEFORE_LOAD=$2 AFTER_SERVER=$3 AFTER_LOAD=$4 NAME=$5
OUT=${6:-docs/benchmarks/results}
mkdir -p "$OUT"
WARM_DIALECTS="simplepush webpush"
# C2 for the load tool, as in webpush-compare.sh.
LOAD_JVM=${LOAD_JVM:-"-Xmx2g -XX:+UseG1GC"}
. benchmarks/scripts/bench-lib.sh

for build in before after; do
  if [ "$build" = before ]; then SERVER_JAR=$BEFORE_SERVER; jar=$BEFORE_LOAD; else SERVER_JAR=$AFTER_SERVER; jar=$AFTER_LOAD; fi
  LOAD="java $LOAD_JVM -jar $jar --url http://127.0.0.1:$PORT/ --source-addresses $SOURCES"
  start_server
  warm_server
  for i in $(seq 1 "${PAIRS:-6}"); do
    if [ $((i % 2)) = 1 ]; then order="simplepush webpush"; else order="webpush simplepush"; fi
    for dialect in $order; do
      measure "$NAME-$build-$dialect-$i" --dialect "$dialect" --scenario notify --devices 10000 --rate 0 \
          --max-in-flight 128 --duration "${SECONDS_EACH:-12}s" --warmup 3s --drain 10s
    done
  done
  stop_server
done
