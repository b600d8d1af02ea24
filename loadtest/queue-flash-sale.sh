#!/usr/bin/env bash
# Queued flash sales (ctest `flash_sale.queue` on PostgreSQL + Redis from scripts/test-servers.sh,
# `flash_sale.queue_embedded` with QUEUE_SALE_STORE=embedded: SQLite + in-process stores), each
# small, each asserted on its report.json:
#   1. `--waiting-room rate:100`, 400 users for 100 seats, half of them best-available: verified
#      clean, exit 0, everyone joined, every hold sent and granted with an admission, nobody held
#      without being admitted, time in queue reported and as long as the rate makes it, the room
#      admitted at about its rate, the pollers did not hammer, the queue checks passed.
#   2. `--waiting-room active:20`, 80 users for 100 seats: the same, by shoppers at once.
#   3. A planted violation: `--queue-plant-tokenless 0.2` sends some users' first hold without the
#      admission; the service must refuse each (403, counted as missing) and the verifier must fail
#      exactly `holds-carried-admission` (exit 1), every other check still passing.
#   loadtest/queue-flash-sale.sh [BOXOFFICE_BIN] [BOXOFFICE_LOAD_BIN]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-${BUILD_DIR:-build}/service/boxoffice}
LOAD=${2:-${BUILD_DIR:-build}/loadtest/boxoffice-load}
STORE=${QUEUE_SALE_STORE:-servers}
WORK=$(mktemp -d)
chmod 755 "$WORK"  # the postgres user must reach the servers' directory
SERVER_PID=
cleanup() {
  [[ -n $SERVER_PID ]] && { kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null || true; }
  [[ $STORE == servers ]] && { scripts/test-servers.sh stop "$WORK/servers" >/dev/null 2>&1 || true; }
  rm -rf "$WORK"
}
trap cleanup EXIT
# A ctest timeout or Ctrl-C must not leave servers behind (they would keep any inherited lock).
trap 'exit 143' TERM INT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

export BOXOFFICE_JWT_SECRET=queue-flash-sale-secret-0123456789-abcdef
# The buyers pay through the dev provider (the service and the harness both read this secret).
export BOXOFFICE_PAYMENTS_DEV_WEBHOOK_SECRET=whsec_queue_flash_sale_0123456789abcdef
PG=()
if [[ $STORE == servers ]]; then
  scripts/test-servers.sh start "$WORK/servers" >/dev/null
  PG_URL=$(sed -n 's/^PG_URL=//p' "$WORK/servers/env")
  export BOXOFFICE_DATABASE_URL=$PG_URL
  export BOXOFFICE_REDIS_URL=$(sed -n 's/^REDIS_URL=//p' "$WORK/servers/env")
  PG=(--pg "$PG_URL")
  "$BIN" migrate up >/dev/null
else
  export BOXOFFICE_SQLITE_PATH=$WORK/queue.db
fi
export BOXOFFICE_LOG_LEVEL=warn BOXOFFICE_ACCESS_LOG_SAMPLE=0
# Short windows, so abandoned holds and orders expire within the test and the verifier sees it.
export BOXOFFICE_HOLD_TTL=4s BOXOFFICE_PAYMENT_WINDOW=4s BOXOFFICE_SWEEP_INTERVAL=500ms
# Every virtual user comes from 127.0.0.1: the per-address limits are raised; the per-user ones
# stay the defaults (a queued user polls at most about once a second).
export BOXOFFICE_RATE_LIMIT_HOLDS_PER_IP=1000000/1s BOXOFFICE_RATE_LIMIT_ORDERS_PER_IP=1000000/1s BOXOFFICE_RATE_LIMIT_READS_PER_IP=1000000/1s
PORT=$(free_port)
MPORT=$(free_port)
BOXOFFICE_PORT=$PORT BOXOFFICE_LISTEN_ADDRESS=127.0.0.1 BOXOFFICE_METRICS_PORT=$MPORT BOXOFFICE_METRICS_ADDRESS=127.0.0.1 \
  "$BIN" serve 2>"$WORK/serve.log" &
SERVER_PID=$!
BASE=http://127.0.0.1:$PORT
for _ in $(seq 100); do curl -sf "$BASE/readyz" >/dev/null && break; sleep 0.1; done
curl -sf "$BASE/readyz" >/dev/null || { echo "boxoffice did not become ready"; tail -20 "$WORK/serve.log"; exit 1; }
COMMON=(--preset ci --base "$BASE" "${PG[@]}" --metrics "http://127.0.0.1:$MPORT/metrics" --expiry-wait 20s --quiet)

status=0
fail() { echo "FAIL: $*"; status=1; }
# expect REPORT JQ-CONDITION WHAT
expect() { jq -e "$2" "$1" >/dev/null || fail "$3 ($(jq -c "${4:-.waitingRoom}" "$1"))"; }
QUEUE_CHECKS='[.verification.checks[] | select(.name == "holds-carried-admission" or .name == "queue-places-stable"
  or .name == "queue-admitted-in-order") | .outcome]'
HELD='(.outcomes.confirmed + .outcomes.abandoned_hold + .outcomes.abandoned_order + .outcomes.cancelled
  + .outcomes.paid_too_late)'

# What every clean queued sale must show.
expect_clean_queue() {
  local r=$1 users=$2
  expect "$r" '.verification.ok == true' "verified clean" '[.verification.violations[].message]'
  expect "$r" "$QUEUE_CHECKS == [\"passed\",\"passed\",\"passed\"]" "the three queue checks passed" "$QUEUE_CHECKS"
  expect "$r" ".waitingRoom.users == $users and .waitingRoom.joined == $users" "every user joined the queue"
  expect "$r" '.waitingRoom.admitted > 0 and .waitingRoom.timeInQueue.count == .waitingRoom.admitted' \
    "a time in queue for every admitted user"
  expect "$r" '.waitingRoom.timeInQueue.p50Ms > 0 and .waitingRoom.timeInQueue.p99Ms >= .waitingRoom.timeInQueue.p50Ms' \
    "queue times p50 and p99 reported"
  expect "$r" '.waitingRoom.holds.sent > 0 and .waitingRoom.holds.sentWithoutAdmission == 0' \
    "every hold sent with an admission"
  expect "$r" '.waitingRoom.holds.grantedWithoutAdmission == 0 and .waitingRoom.holds.granted == .counts.holds' \
    "every hold granted was sent with an admission"
  expect "$r" "$HELD > 0 and $HELD <= .waitingRoom.admitted" "everyone who held was admitted" "[$HELD, .waitingRoom.admitted]"
  expect "$r" '.endpoints.queue_join.statuses["200"] > 0 and .endpoints.queue_poll.statuses["200"] > 0' \
    "joins and polls answered" '.endpoints | {queue_join, queue_poll}'
  # Polling follows the estimate (half of it, at least a second apart): a few polls per user.
  expect "$r" '.waitingRoom.polls <= 8 * .waitingRoom.users' "no hammering: at most 8 polls per user on average"
}

echo "--- queued sale: --waiting-room rate:100, 400 users for 100 seats, half best-available"
code=0
"$LOAD" "${COMMON[@]}" --users 400 --seats 100 --connections 200 --choice random:0.5,best-available:0.5 \
  --waiting-room rate:100 --queue-window 20s --queue-token-ttl 10s --report "$WORK/rate.json" >"$WORK/rate.out" || code=$?
[[ $code -eq 0 ]] || { fail "rate sale exit code $code, expected 0"; cat "$WORK/rate.out"; }
expect_clean_queue "$WORK/rate.json" 400
# 400 people at 100/s: the last is let in about 4 s after the opening, and the room kept its pace.
expect "$WORK/rate.json" '.waitingRoom.admitted == 400' "every user admitted in the end"
expect "$WORK/rate.json" '.waitingRoom.timeInQueue.maxMs >= 3000' "the last admitted waited as the rate made them"
expect "$WORK/rate.json" '.waitingRoom.admissionRatePerSecond > 50 and .waitingRoom.admissionRatePerSecond <= 150' \
  "admitted at about 100/s"
grep -q 'waiting room: 400 queued' "$WORK/rate.out" || fail "the text report has no waiting-room line"
grep -q 'time in queue (join to admission): p50' "$WORK/rate.out" || fail "the text report has no time in queue"

echo "--- queued sale: --waiting-room active:20, 80 users for 100 seats"
code=0
"$LOAD" "${COMMON[@]}" --users 80 --seats 100 --connections 80 --choice best-available \
  --waiting-room active:20 --queue-window 10s --queue-token-ttl 5s --queue-give-up 60s \
  --report "$WORK/active.json" >"$WORK/active.out" || code=$?
[[ $code -eq 0 ]] || { fail "active sale exit code $code, expected 0"; cat "$WORK/active.out"; }
expect_clean_queue "$WORK/active.json" 80

echo "--- planted: --queue-plant-tokenless 0.2 (the verifier must catch it)"
code=0
"$LOAD" "${COMMON[@]}" --users 200 --seats 100 --connections 200 --waiting-room rate:200 --queue-window 20s \
  --queue-plant-tokenless 0.2 --report "$WORK/planted.json" >"$WORK/planted.out" || code=$?
[[ $code -eq 1 ]] || { fail "planted sale exit code $code, expected 1 (a violation)"; cat "$WORK/planted.out"; }
R=$WORK/planted.json
expect "$R" '.waitingRoom.holds.plantedWithoutAdmission > 0' "some holds planted without admission"
expect "$R" '.waitingRoom.holds.sentWithoutAdmission == .waitingRoom.holds.plantedWithoutAdmission' \
  "only the planted holds went out without"
expect "$R" '.waitingRoom.holds.refused403.missing == .waitingRoom.holds.plantedWithoutAdmission' \
  "the service refused every planted hold as missing its admission"
expect "$R" '.waitingRoom.holds.grantedWithoutAdmission == 0' "none of them granted"
expect "$R" '[.verification.checks[] | select(.outcome == "failed") | .name] == ["holds-carried-admission"]' \
  "exactly holds-carried-admission failed" '[.verification.checks[] | select(.outcome == "failed") | .name]'
expect "$R" '[.verification.violations[] | select(.check == "holds-carried-admission") | .message] | length == 1' \
  "one violation named" '[.verification.violations[].message]'
grep -q 'VIOLATION holds-carried-admission: .*planted by --queue-plant-tokenless' "$WORK/planted.out" ||
  fail "the text report does not name the planted holds"

if [[ $status -ne 0 ]]; then
  echo "--- last lines of the service's log"
  tail -20 "$WORK/serve.log"
fi
exit $status
