#!/usr/bin/env bash
# The live seat map under load, loopback only, on real PostgreSQL + Redis: hold throughput without
# subscribers, with SUBSCRIBERS (10,000) open on /v1/shows/{id}/seatmap/events of the same show, and
# without again, in one run; the service's RSS before and with the subscribers; what the feed did
# (frames sent, subscribers dropped as slow). The subscribers are one asyncio process on the same two
# cores (loadtest/sse_subscribers.py): their reading is part of what the holds compete with.
# Usage: [SUBSCRIBERS=10000] [SEATS=20000] [HOLD_TTL=2s] loadtest/bench-seatmap-events.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10} CONNS=${2:-64}
SUBSCRIBERS=${SUBSCRIBERS:-10000}
# One descriptor per subscriber in the service and in the client: both inherit this.
ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -gt $((SUBSCRIBERS + 1000)) ] || { echo "ulimit -n $(ulimit -n) is too low for $SUBSCRIBERS subscribers" >&2; exit 1; }
export BOXOFFICE_MAX_SEATS_PER_USER=1000 BOXOFFICE_HOLD_TTL=${HOLD_TTL:-2s}
export BOXOFFICE_RATE_LIMIT_HOLDS_PER_USER=1000000/1s BOXOFFICE_RATE_LIMIT_ORDERS_PER_USER=1000000/1s BOXOFFICE_RATE_LIMIT_READS_PER_USER=1000000/1s
source loadtest/stack.sh
"$BIN" token --user bench --count 1000 > "$WORK/tokens"
export SHOW TOKENS=$WORK/tokens SEATS=${SEATS:-20000}
rss() { awk '/VmRSS/ {printf "%.1f MiB", $2 / 1024}' "/proc/$SERVER_PID/status"; }
metric() { curl -s -m 10 "http://127.0.0.1:$METRICS_PORT/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
echo "wrk -t2 -c$CONNS -d${DURATION}s, keep-alive, PostgreSQL + Redis, ${SEATS}-seat show, 2-seat holds, hold TTL $BOXOFFICE_HOLD_TTL; $SUBSCRIBERS subscribers"

DURATION=2 run_wrk "(warm-up)" -s loadtest/holds.lua "$BASE" >/dev/null
echo "RSS before subscribers: $(rss)"
run_wrk "POST /v1/holds, no subscribers" -s loadtest/holds.lua "$BASE"

python3 loadtest/sse_subscribers.py "$PORT" "$SHOW" "$SUBSCRIBERS" "$WORK/sse.status" &
CLIENT_PID=$!
# errexit holds inside a trap too: every step of the clean-up may fail without skipping the rest.
trap 'kill $CLIENT_PID 2>/dev/null || true; kill $SERVER_PID 2>/dev/null || true; wait $SERVER_PID 2>/dev/null || true
      scripts/test-servers.sh stop "$WORK/servers" >/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 300); do
  grep -q "connected=$SUBSCRIBERS " "$WORK/sse.status" 2>/dev/null && break
  sleep 0.2
done
echo "subscribers: $(cat "$WORK/sse.status"), gauge $(metric boxoffice_seatmap_subscribers); RSS idle with them: $(rss)"
run_wrk "POST /v1/holds, with subscribers" -s loadtest/holds.lua "$BASE"
echo "RSS after the holds with them: $(rss); subscribers: $(cat "$WORK/sse.status"), gauge $(metric boxoffice_seatmap_subscribers)"
echo "frames sent: changes $(metric 'boxoffice_seatmap_frames_sent_total{type="changes"}'), snapshot $(metric 'boxoffice_seatmap_frames_sent_total{type="snapshot"}'); dropped as slow: $(metric 'boxoffice_seatmap_subscribers_dropped_total{reason="slow"}')"
kill $CLIENT_PID
for _ in $(seq 100); do kill -0 $CLIENT_PID 2>/dev/null || break; sleep 0.1; done
kill -9 $CLIENT_PID 2>/dev/null || true
for _ in $(seq 50); do [ "$(metric boxoffice_seatmap_subscribers)" = 0 ] && break; sleep 0.1; done
echo "after the client left: gauge $(metric boxoffice_seatmap_subscribers)"
run_wrk "POST /v1/holds, no subscribers (again)" -s loadtest/holds.lua "$BASE"
