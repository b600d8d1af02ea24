#!/usr/bin/env bash
# Hold throughput against real PostgreSQL + Redis (started by scripts/test-servers.sh), side by side
# with GET /healthz of the same build in the same run, wrk on the same box, keep-alive.
# Usage: loadtest/bench-holds.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10}
CONNS=${2:-256}
BIN=${BUILD_DIR:-build}/service/boxoffice
[ -x "$BIN" ] || scripts/build.sh --target boxoffice
WORK=$(mktemp -d)
chmod 755 "$WORK"
scripts/test-servers.sh start "$WORK/servers" >/dev/null
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
PG=$(sed -n 's/^PG_URL=//p' "$WORK/servers/env")
export BOXOFFICE_DATABASE_URL=$PG BOXOFFICE_REDIS_URL=$(sed -n 's/^REDIS_URL=//p' "$WORK/servers/env")
export BOXOFFICE_JWT_SECRET=bench-secret-0123456789-0123456789-0123 BOXOFFICE_LOG_LEVEL=warn
export BOXOFFICE_ACCESS_LOG_SAMPLE=0 BOXOFFICE_MAX_SEATS_PER_USER=1000 BOXOFFICE_HOLD_TTL=${HOLD_TTL:-2s}
"$BIN" migrate up >/dev/null
SHOW=$("$BIN" seed --demo 2>/dev/null)
"$BIN" token --user bench --count 1000 > "$WORK/tokens"
BOXOFFICE_PORT=$PORT BOXOFFICE_LISTEN_ADDRESS=127.0.0.1 "$BIN" serve 2>"$WORK/serve.log" &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; scripts/test-servers.sh stop "$WORK/servers" >/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done
echo "wrk -t2 -c$CONNS -d${DURATION}s, keep-alive, PostgreSQL + Redis, 20,000-seat show, holds of 2 adjacent seats, hold TTL ${HOLD_TTL:-2s}"
run() {
  local name=$1; shift
  local out
  out=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "$@")
  printf '%-24s %10s req/s  p50 %-9s p99 %-9s non-2xx %s\n' "$name" \
    "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" "$(awk '$1=="50%" {print $2}' <<<"$out")" \
    "$(awk '$1=="99%" {print $2}' <<<"$out")" "$(awk '/Non-2xx/ {print $5}' <<<"$out")"
}
run "GET /healthz" "http://127.0.0.1:$PORT/healthz"
SHOW=$SHOW TOKENS=$WORK/tokens SEATS=20000 run "POST /v1/holds" -s loadtest/holds.lua "http://127.0.0.1:$PORT"
run "GET /healthz (again)" "http://127.0.0.1:$PORT/healthz"
