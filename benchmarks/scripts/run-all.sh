#!/usr/bin/env bash
# Runs every recorded measurement of docs/benchmarks.md on this machine, server and load tool side by side,
# each scenario against a fresh server. Loopback only; every run is bounded by the load tool's --max-time.
# Usage: benchmarks/scripts/run-all.sh [results-dir]   (after: mvn -B -DskipTests package)
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-docs/benchmarks/results}
mkdir -p "$OUT"
. benchmarks/scripts/bench-lib.sh

run idle-15000 --scenario idle --devices 15000 --duration 70s --warmup 1s --sample-every 2500
run storm-15000 --scenario storm --devices 15000 --connect-concurrency 2000
for rate in 2500 5000 10000 15000 20000; do
  run notify-$rate --scenario notify --devices 15000 --rate $rate --duration 20s --warmup 5s
done
run notify-max --scenario notify --devices 15000 --rate 0 --max-in-flight 128 --duration 20s --warmup 5s
run reconnect --scenario reconnect --devices 15000 --rate 5000 --reconnect-rate 500 --duration 30s --warmup 5s
run mixed --scenario mixed --devices 15000 --rate 5000 --reconnect-rate 500 --duration 30s --warmup 5s

# Baseline: wrk against a trivial Undertow PUT -> 200 {} handler, and against one real endpoint.
cat > /tmp/simplepush-put.lua <<'LUA'
local v = 0
request = function()
  v = v + 1
  return wrk.format("PUT", nil, {["Content-Type"]="application/x-www-form-urlencoded"}, "version=" .. v)
end
LUA
java $SERVER_JVM -cp benchmarks/target/simplepush-load.jar dev.simplepush.benchmarks.TrivialPutServer 8091 2 \
    > /tmp/simplepush-trivial.out 2>&1 &
TRIVIAL=$!
sleep 2
wrk -t1 -c64 -d5s -s /tmp/simplepush-put.lua http://127.0.0.1:8091/update/x > /dev/null   # warm-up
wrk -t1 -c64 -d20s -s /tmp/simplepush-put.lua http://127.0.0.1:8091/update/x | tee "$OUT/wrk-trivial.txt"
kill $TRIVIAL; wait $TRIVIAL 2>/dev/null || true

start_server
$LOAD --label wrk-device --scenario idle --devices 1 --duration 40s --warmup 1s --endpoints-out /tmp/simplepush-ep.txt \
    > "$OUT/wrk-device.log" 2>&1 &
LOADPID=$!
for _ in $(seq 1 50); do [ -s /tmp/simplepush-ep.txt ] && break; sleep 0.2; done
EP=$(head -1 /tmp/simplepush-ep.txt)
wrk -t1 -c64 -d5s -s /tmp/simplepush-put.lua "$EP" > /dev/null
wrk -t1 -c64 -d20s -s /tmp/simplepush-put.lua "$EP" | tee "$OUT/wrk-simplepush-endpoint.txt"
wait $LOADPID || true
stop_server

# The Web Push comparison's results (webpush-*, webpush-compare.sh) have their own section, not these charts.
java -cp benchmarks/target/simplepush-load.jar dev.simplepush.benchmarks.load.Charts --out-dir docs/benchmarks \
    $(ls "$OUT"/*.json | grep -v '/webpush-')
