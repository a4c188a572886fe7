# Shared by the benchmark scripts (sourced, not run): a fresh server per measurement, warmed first, and the load tool
# with its JVM flags. Loopback only; every load tool run is bounded by its own --max-time.
# Expects to be sourced from the repository root after: mvn -B -DskipTests package, with OUT set to the results
# folder. WARM_DIALECTS: the dialects whose notify path each fresh server is warmed with (default simplepush).
KEY=$(head -c 32 /dev/urandom | base64)
PORT=8090
SERVER_JAR=${SERVER_JAR:-server/target/simplepush-server.jar}
SERVER_JVM=${SERVER_JVM:-"-Xms1g -Xmx4g -XX:+UseG1GC"}
# C1 only: the load tool lives for seconds, and C2 compiling its hot paths cost it a third of its CPU in a storm.
LOAD_JVM=${LOAD_JVM:-"-Xmx2g -XX:+UseG1GC -XX:TieredStopAtLevel=1"}
SOURCES=127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5
LOAD="java $LOAD_JVM -jar benchmarks/target/simplepush-load.jar --url http://127.0.0.1:$PORT/ --source-addresses $SOURCES"
SERVER_PID=

start_server() {
  java $SERVER_JVM -jar "$SERVER_JAR" --port $PORT --token-keys "$KEY" \
      > /tmp/simplepush-bench-server.out 2> /tmp/simplepush-bench-server.err &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    grep -q listening /tmp/simplepush-bench-server.out 2>/dev/null && return 0
    sleep 0.2
  done
  echo "server did not start" >&2; exit 1
}
stop_server() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  SERVER_PID=
}
trap stop_server EXIT
warm_server() { # a long-lived server is JIT-compiled; measure that, not its first seconds
  $LOAD --scenario storm --devices 10000 --connect-concurrency 2000 > /dev/null 2>&1 || true
  local dialect
  for dialect in ${WARM_DIALECTS:-simplepush}; do
    $LOAD --dialect "$dialect" --scenario notify --devices 5000 --rate 3000 --duration 10s --warmup 1s --drain 5s \
        > /dev/null 2>&1 || true
  done
}
measure() { # name, load-tool args...: one recorded run against the running server
  local name=$1; shift
  echo "== $name (load average: $(cut -d' ' -f1-3 /proc/loadavg))" | tee "$OUT/$name.log"
  $LOAD --label "$name" --json-out "$OUT/$name.json" --server-pid "$SERVER_PID" "$@" 2>&1 | tee -a "$OUT/$name.log" || true
}
run() { # name, load-tool args...: one recorded run against a fresh, warmed server
  start_server
  warm_server
  measure "$@"
  stop_server
}
