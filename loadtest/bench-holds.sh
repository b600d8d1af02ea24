#!/usr/bin/env bash
# Hold throughput on real PostgreSQL + Redis, side by side with GET /healthz of the same build in
# the same run (wrk on the same box, keep-alive), then the same holds while PostgreSQL is stalled
# (every order table locked): holds never touch the database, so they must not slow down.
# Usage: [SEATS=20000] [HOLD_TTL=2s] [USERS=1000] loadtest/bench-holds.sh [seconds] [connections]
# Each hold row says how many answers were 201 (held) and how many were not (409 SEATS_UNAVAILABLE:
# with a short TTL and random pairs most seats are taken); a bigger show (SEATS=200000, HOLD_TTL=1s,
# USERS=10000) gives a row where most holds succeed.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10} CONNS=${2:-256}
export BOXOFFICE_MAX_SEATS_PER_USER=1000 BOXOFFICE_HOLD_TTL=${HOLD_TTL:-2s}
# Virtual users here are machines (no think time, up to 10 quick retries, 1,000 tokens at 15k holds/s):
# the per-user rate limits are raised too; the limiter still runs, so its cost is measured.
export BOXOFFICE_RATE_LIMIT_HOLDS_PER_USER=1000000/1s BOXOFFICE_RATE_LIMIT_ORDERS_PER_USER=1000000/1s BOXOFFICE_RATE_LIMIT_READS_PER_USER=1000000/1s
source loadtest/stack.sh
"$BIN" token --user bench --count "${USERS:-1000}" > "$WORK/tokens"
echo "wrk -t2 -c$CONNS -d${DURATION}s, keep-alive, PostgreSQL + Redis, ${SEATS:-20000}-seat show, 2-seat holds, hold TTL $BOXOFFICE_HOLD_TTL, ${USERS:-1000} users"

# run_wrk from stack.sh, plus the outcomes: requests, and how many were not 2xx.
run_wrk() {
  local name=$1; shift
  local out
  out=$(wrk -t2 -c"${CONNS:-256}" -d"${DURATION:-10}s" --latency "$@")
  local total non2xx
  total=$(awk '/requests in/ {print $1}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  printf '%-34s %10s req/s  p50 %-9s p99 %-9s %9s requests, %s not 2xx\n' "$name" \
    "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" "$(awk '$1=="50%" {print $2}' <<<"$out")" \
    "$(awk '$1=="99%" {print $2}' <<<"$out")" "$total" "${non2xx:-0}"
}
export SHOW TOKENS=$WORK/tokens SEATS=${SEATS:-20000}
# Warm-up, not reported: the first holds of a show load its seating from the database (on the
# fast lane, off the reactor) and Redis grows its seat hash.
DURATION=2 run_wrk "(warm-up)" -s loadtest/holds.lua "$BASE" >/dev/null
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
