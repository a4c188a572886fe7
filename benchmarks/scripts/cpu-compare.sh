#!/usr/bin/env bash
# Server CPU per notification at a fixed rate, two server builds alternating, in both dialects (SimplePush PUT, Web
# Push POST): the figure that stays steady while other work shares the machine, where throughput does not. Every run
# against a fresh server warmed in both dialects. Results: NAME-{before,after}-{simplepush,webpush}-N.json/.log.
# Usage: benchmarks/scripts/cpu-compare.sh BEFORE_JAR AFTER_JAR NAME [results-dir]
# (the load tool from benchmarks/target, after: mvn -B -DskipTests package). RUNS (3), RATE (5000) change the
# counts. With BENCH_LOCK set (a file path), each run waits until that file is absent and holds it while it runs.
set -euo pipefail
cd "$(dirname "$0")/../.."
BEFORE_JAR=$1
AFTER_JAR=$2
NAME=$3
OUT=${4:-docs/benchmarks/results}
mkdir -p "$OUT"
WARM_DIALECTS="simplepush webpush"
# C2 for the load tool, as in webpush-compare.sh: a run lasts half a minute.
LOAD_JVM=${LOAD_JVM:-"-Xmx2g -XX:+UseG1GC"}
. benchmarks/scripts/bench-lib.sh

locked() { # command...: runs it holding BENCH_LOCK, if set
  if [ -z "${BENCH_LOCK:-}" ]; then "$@"; return; fi
  until (set -o noclobber; echo $$ > "$BENCH_LOCK") 2>/dev/null; do sleep 5; done
  "$@" || true
  rm -f "$BENCH_LOCK"
}

for i in $(seq 1 "${RUNS:-3}"); do
  for build in before after; do
    if [ "$build" = before ]; then SERVER_JAR=$BEFORE_JAR; else SERVER_JAR=$AFTER_JAR; fi
    for dialect in simplepush webpush; do
      locked run "$NAME-$build-$dialect-$i" --dialect "$dialect" --scenario notify --devices 10000 \
          --rate "${RATE:-5000}" --duration 20s --warmup 5s
    done
  done
done
