#!/usr/bin/env bash
# Seat-map read throughput with wrk on this box (keep-alive, wrk and the service share the cores).
# Usage: [BUILD_DIR=build] loadtest/bench-seatmap.sh [seconds] [connections]
# Each row also gives the service's minor page faults during the row and its peak RSS so far.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-8}
CONNS=${2:-64}
BIN=${BUILD_DIR:-build}/service/boxoffice
[ -x "$BIN" ] || scripts/build.sh --target boxoffice
command -v wrk >/dev/null || { echo "wrk is missing: scripts/install-deps.sh installs it" >&2; exit 1; }
WORK=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export BOXOFFICE_SQLITE_PATH=$WORK/bench.db BOXOFFICE_LOG_LEVEL=warn BOXOFFICE_ACCESS_LOG_SAMPLE=0
# wrk reads from 127.0.0.1 at tens of thousands per second: the per-address read budget is raised.
export BOXOFFICE_RATE_LIMIT_READS_PER_IP=1000000/1s
S20=$("$BIN" seed --demo 2>/dev/null)
S50=$("$BIN" seed --demo --seats 50000 2>/dev/null)
S100=$("$BIN" seed --demo --seats 100000 2>/dev/null)
METRICS_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# Loopback only, the metrics listener too.
BOXOFFICE_PORT=$PORT BOXOFFICE_LISTEN_ADDRESS=127.0.0.1 BOXOFFICE_METRICS_PORT=$METRICS_PORT BOXOFFICE_METRICS_ADDRESS=127.0.0.1 \
  "$BIN" serve 2>"$WORK/serve.log" &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done
etag() { curl -s -D - -o /dev/null "$1" | tr -d '\r' | sed -n 's/^ETag: //Ip'; }
# The service's minor page faults so far and its peak resident memory (MiB), from /proc.
faults() { awk '{print $10}' "/proc/$PID/stat"; }
peak_mib() { awk '/^VmHWM:/ {printf "%d", $2 / 1024}' "/proc/$PID/status"; }
run() {
  local name=$1; shift
  local out before
  before=$(faults)
  out=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "$@")
  printf '%-34s %10s req/s  p50 %-9s p99 %-9s %10s  %9s faults  peak RSS %s MiB\n' "$name" \
    "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" "$(awk '$1=="50%" {print $2}' <<<"$out")" \
    "$(awk '$1=="99%" {print $2}' <<<"$out")" "$(awk '/Transfer\/sec/ {print $2}' <<<"$out")/s" \
    "$(( $(faults) - before ))" "$(peak_mib)"
}
B="http://127.0.0.1:$PORT"
echo "wrk -t2 -c$CONNS -d${DURATION}s, keep-alive, $(nproc) cores shared by wrk and boxoffice"
run "GET /healthz (baseline)" "$B/healthz"
for pair in "20k:$S20" "50k:$S50"; do
  size=${pair%%:*}; show=${pair#*:}
  run "$size seatmap (full body)" "$B/v1/shows/$show/seatmap"
  run "$size seatmap (If-None-Match: 304)" -H "If-None-Match: $(etag "$B/v1/shows/$show/seatmap")" "$B/v1/shows/$show/seatmap"
  run "$size seatmap/availability" "$B/v1/shows/$show/seatmap/availability"
  run "$size seatmap/layout (full body)" "$B/v1/shows/$show/seatmap/layout"
done
# The largest hall: the full body is ~10 MB, where a copy per response shows (faults, peak RSS).
run "100k seatmap (full body)" "$B/v1/shows/$S100/seatmap"
