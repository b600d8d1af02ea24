#!/usr/bin/env bash
# Hold throughput on real PostgreSQL + Redis, side by side with GET /healthz of the same build in
# the same run (wrk on the same box, keep-alive), then the same holds while PostgreSQL is stalled
# (every order table locked): holds never touch the database, so they must not slow down.
# Usage: loadtest/bench-holds.sh [seconds] [connections]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10} CONNS=${2:-256}
export BOXOFFICE_MAX_SEATS_PER_USER=1000 BOXOFFICE_HOLD_TTL=${HOLD_TTL:-2s}
source loadtest/stack.sh
"$BIN" token --user bench --count 1000 > "$WORK/tokens"
echo "wrk -t2 -c$CONNS -d${DURATION}s, keep-alive, PostgreSQL + Redis, ${SEATS:-20000}-seat show, 2-seat holds, hold TTL $BOXOFFICE_HOLD_TTL"
export SHOW TOKENS=$WORK/tokens SEATS=${SEATS:-20000}
run_wrk "GET /healthz" "$BASE/healthz"
run_wrk "POST /v1/holds" -s loadtest/holds.lua "$BASE"
run_wrk "GET /healthz (again)" "$BASE/healthz"

# A stalled database: one transaction locks the order tables for the whole run, so every request
# that reads orders waits on it (until its statement timeout) and fills the database lane; holds,
# which never touch the database, must carry on.
( psql "$BOXOFFICE_DATABASE_URL" -q -c "BEGIN; LOCK TABLE orders, order_seats, tickets IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep($DURATION + 3); COMMIT;" >/dev/null 2>&1 & )
sleep 0.5
wrk -t1 -c64 -d"$((DURATION + 1))s" -H "Authorization: Bearer $(head -1 "$WORK/tokens")" "$BASE/v1/me/orders" > "$WORK/stalled.txt" 2>&1 &
STALLED=$!
sleep 0.5
run_wrk "POST /v1/holds (database stalled)" -s loadtest/holds.lua "$BASE"
wait $STALLED || true
echo "  meanwhile GET /v1/me/orders: $(awk '/Requests\/sec/ {print $2}' "$WORK/stalled.txt") req/s, $(awk '/Non-2xx/ {print $5}' "$WORK/stalled.txt") non-2xx (503 after the statement timeout)"
