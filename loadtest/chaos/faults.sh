#!/usr/bin/env bash
# The faults of loadtest/chaos/run.sh, on the stack it started in WORK (WORK/stack.env names it,
# WORK/service.env is the service's configuration). boxoffice-chaos runs `faults.sh WORK FAULT`
# during the sale and reads two lines from it: `chaos: inject` right before the fault hits and
# `chaos: restore` right after its cause is removed. Every other line is a note. Anything started
# here writes to its own log, never to stdout (the driver reads stdout until it closes).
#
#   faults.sh WORK start-service    # (re)start boxoffice serve with WORK/service.env; PID in WORK/service.pid
#   faults.sh WORK FAULT            # kill9 redis-restart-empty redis-restart-data redis-freeze redis-stop
#                                   # pg-restart pg-stall kill9-pg-slow
# Environment: CHAOS_FAULT_SECONDS (3: how long a freeze, stop or stall lasts).
set -euo pipefail
WORK=${1:?usage: faults.sh WORK FAULT}
FAULT=${2:?usage: faults.sh WORK FAULT}
PG_BIN=${BOXOFFICE_PG_BIN:-/usr/lib/postgresql/15/bin}
HOLD=${CHAOS_FAULT_SECONDS:-3}

get() { sed -n "s/^$1=//p" "$WORK/stack.env" | tail -n 1; }
BIN=$(get BIN)
SERVERS=$(get SERVERS)
PG_DATA=$(get PG_DATA)
PG_PORT=$(get PG_PORT)
REDIS_PORT=$(get REDIS_PORT)
PG_URL=postgresql://app@127.0.0.1:$PG_PORT/postgres

mark() { echo "chaos: $1"; }
note() { echo "$FAULT: $*"; }

# Polls "$@" for up to 10 s.
wait_until() {
  local i
  for ((i = 0; i < 500; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.02
  done
  note "gave up waiting for: $*"
  return 1
}
# Dead, or a zombie nobody has reaped yet (the service's parent shell is gone; PID 1 may reap late).
gone() { ! kill -0 "$1" 2>/dev/null || [[ $(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) == Z ]]; }

start_service() {
  # shellcheck disable=SC2046  # one KEY=VALUE word per line, no spaces in the values
  env $(cat "$WORK/service.env") "$BIN" serve </dev/null >>"$WORK/serve.log" 2>&1 &
  echo $! >"$WORK/service.pid"
  [[ $FAULT == start-service ]] || note "service started again, pid $!"
}
kill9_service() {
  local pid
  pid=$(cat "$WORK/service.pid")
  kill -KILL "$pid"
  wait_until gone "$pid"
  note "service pid $pid killed (SIGKILL)"
}

redis_pid() { cat "$WORK/redis.pid" 2>/dev/null || get REDIS_PID; }
redis_cli() { redis-cli -h 127.0.0.1 -p "$REDIS_PORT" "$@"; }
redis_stop() {  # SIGNAL
  local pid
  pid=$(redis_pid)
  kill -"$1" "$pid"
  wait_until gone "$pid"
}
redis_start() {
  # The same config file scripts/test-servers.sh wrote (same port; `dir` is where dump.rdb lives).
  redis-server "$SERVERS/redis.conf" </dev/null >>"$SERVERS/redis.log" 2>&1 &
  echo $! >"$WORK/redis.pid"
  wait_until redis_cli ping
}
# An RDB snapshot now: a Redis started later loads it, i.e. comes back with this (older) state.
redis_snapshot() { redis_cli SAVE >/dev/null; }

# A session holding both order tables exclusively for SECONDS: every order, confirmation and
# sweep waits; the lock is taken once this returns.
lock_order_tables() {  # SECONDS
  psql "$PG_URL" -v ON_ERROR_STOP=1 -qAt \
    -c "BEGIN; LOCK TABLE orders, order_seats IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep($1); COMMIT;" \
    </dev/null >>"$WORK/lock.log" 2>&1 &
  echo $! >"$WORK/lock.pid"
  wait_until lock_granted
}
lock_granted() {
  [[ $(psql "$PG_URL" -qAt -c "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
        WHERE c.relname = 'orders' AND l.mode = 'AccessExclusiveLock' AND l.granted") == 1 ]]
}
lock_release_wait() { wait "$(cat "$WORK/lock.pid")" || note "the lock session failed (see $WORK/lock.log)"; }

case $FAULT in
  start-service)
    start_service
    ;;
  kill9)
    mark inject
    kill9_service
    sleep 0.5  # a supervisor's restart delay
    start_service
    mark restore
    ;;
  redis-restart-empty)
    mark inject
    redis_stop TERM
    rm -f "$SERVERS/dump.rdb"
    redis_start
    mark restore
    ;;
  redis-restart-data)
    redis_snapshot
    sleep 1  # the sale goes on: holds, sells and releases after the snapshot are lost
    mark inject
    redis_stop KILL
    redis_start
    note "Redis restarted from a snapshot 1 s older than its crash"
    mark restore
    ;;
  redis-freeze)
    mark inject
    kill -STOP "$(redis_pid)"
    sleep "$HOLD"
    kill -CONT "$(redis_pid)"
    mark restore
    ;;
  redis-stop)
    mark inject
    # A graceful stop of a Redis that persists: the final snapshot holds every write it answered,
    # so it comes back with all its data. (A SAVE, then SIGTERM under `save ""`, lost the writes
    # between the two: holds granted in those milliseconds vanished, orders on them got 404. Losing
    # recent writes is redis-restart-data's fault, whose checks expect it.)
    redis_cli SHUTDOWN SAVE >/dev/null
    wait_until gone "$(redis_pid)"
    sleep "$HOLD"
    redis_start
    note "Redis down for ${HOLD} s, back with its data"
    mark restore
    ;;
  pg-restart)
    mark inject
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$SERVERS/pg.log" -m immediate -w -t 30 restart >/dev/null
    mark restore
    ;;
  pg-stall)
    lock_order_tables "$HOLD"
    mark inject
    lock_release_wait
    mark restore
    ;;
  kill9-pg-slow)
    lock_order_tables $((HOLD + 1))
    mark inject
    sleep 1  # orders and confirmations pile up behind the lock
    kill9_service
    sleep 0.5
    start_service
    note "service killed and restarted while the order tables were locked"
    lock_release_wait
    mark restore
    ;;
  *)
    echo "faults.sh: unknown fault '$FAULT'" >&2
    exit 2
    ;;
esac
