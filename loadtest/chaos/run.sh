#!/usr/bin/env bash
# One fault-injection run on a local stack of its own: PostgreSQL 15 + Redis (scripts/test-servers.sh
# into a temp dir), `boxoffice serve` on a free loopback port with short hold TTL and payment
# window, then `boxoffice-chaos` sells a fresh show while loadtest/chaos/faults.sh injects FAULT a
# few seconds in, and verifies the invariants afterwards (one verdict line).
#
#   loadtest/chaos/run.sh FAULT|all [BOXOFFICE_BIN] [BOXOFFICE_CHAOS_BIN]
#
# FAULT: none kill9 redis-restart-empty redis-restart-data redis-freeze redis-stop pg-restart
# pg-stall kill9-pg-slow (`all`: each in turn, each on a fresh stack).
# Environment: CHAOS_ARGS (extra boxoffice-chaos flags, e.g. "--users 1500 --seats 2000"),
# BOXOFFICE_HOLD_TTL / BOXOFFICE_PAYMENT_WINDOW (4s), BOXOFFICE_SWEEP_INTERVAL (250ms),
# BOXOFFICE_IDEMPOTENCY_LEASE (2s: shorter than the hold TTL, as the 10 s default is next to 10 min),
# CHAOS_KEEP=1 (keep the temp dir and its logs).
# Exit 0 when the verdict is PASS, 1 on any violation, 2 on a set-up error.
set -euo pipefail
cd "$(dirname "$0")/../.."
FAULTS=(none kill9 redis-restart-empty redis-restart-data redis-freeze redis-stop pg-restart pg-stall kill9-pg-slow)
FAULT=${1:?usage: loadtest/chaos/run.sh FAULT|all [BOXOFFICE_BIN] [BOXOFFICE_CHAOS_BIN]}
BIN=$(readlink -f "${2:-${BUILD_DIR:-build}/service/boxoffice}")
CHAOS=$(readlink -f "${3:-${BUILD_DIR:-build}/loadtest/boxoffice-chaos}")
[[ -x $BIN && -x $CHAOS ]] || { echo "run.sh: build first (scripts/build.sh): $BIN, $CHAOS" >&2; exit 2; }

if [[ $FAULT == all ]]; then
  status=0
  for f in "${FAULTS[@]}"; do
    "$0" "$f" "$BIN" "$CHAOS" || status=1
  done
  exit $status
fi
[[ " ${FAULTS[*]} " == *" $FAULT "* ]] || { echo "run.sh: unknown fault '$FAULT' (${FAULTS[*]})" >&2; exit 2; }

WORK=$(mktemp -d /tmp/boxoffice-chaos.XXXXXX)
chmod 755 "$WORK"  # the postgres user must reach the servers' directory
cleanup() {
  local pid
  # Stop exactly what this run started, by PID: the service (maybe restarted by a fault), a Redis
  # restarted by a fault, a lock holder still running.
  for f in service.pid lock.pid; do
    pid=$(cat "$WORK/$f" 2>/dev/null || true)
    [[ $pid =~ ^[0-9]+$ ]] && kill -CONT "$pid" 2>/dev/null && kill -TERM "$pid" 2>/dev/null
  done
  pid=$(cat "$WORK/service.pid" 2>/dev/null || true)
  if [[ $pid =~ ^[0-9]+$ ]]; then
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  pid=$(cat "$WORK/redis.pid" 2>/dev/null || true)
  if [[ $pid =~ ^[0-9]+$ ]]; then
    kill -CONT "$pid" 2>/dev/null || true
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  scripts/test-servers.sh stop "$WORK/servers" >/dev/null 2>&1 || true
  if [[ ${CHAOS_KEEP:-0} == 1 ]]; then echo "run.sh: kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 143' TERM INT

scripts/test-servers.sh start "$WORK/servers" >/dev/null 2>"$WORK/servers.log" || { cat "$WORK/servers.log" >&2; exit 2; }
env_get() { sed -n "s/^$1=//p" "$WORK/servers/env"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
PG_URL=$(env_get PG_URL)
PORT=$(free_port)
MPORT=$(free_port)
SECRET=chaos-secret-0123456789-0123456789-abcdef
HOLD_TTL=${BOXOFFICE_HOLD_TTL:-4s}
PAYMENT_WINDOW=${BOXOFFICE_PAYMENT_WINDOW:-4s}
SWEEP=${BOXOFFICE_SWEEP_INTERVAL:-250ms}

# The service's one configuration, written once: a restart after a kill uses exactly the same.
cat >"$WORK/service.env" <<EOF
BOXOFFICE_DATABASE_URL=$PG_URL
BOXOFFICE_REDIS_URL=$(env_get REDIS_URL)
BOXOFFICE_JWT_SECRET=$SECRET
BOXOFFICE_LISTEN_ADDRESS=127.0.0.1
BOXOFFICE_PORT=$PORT
BOXOFFICE_METRICS_ADDRESS=127.0.0.1
BOXOFFICE_METRICS_PORT=$MPORT
BOXOFFICE_HOLD_TTL=$HOLD_TTL
BOXOFFICE_PAYMENT_WINDOW=$PAYMENT_WINDOW
BOXOFFICE_SWEEP_INTERVAL=$SWEEP
BOXOFFICE_IDEMPOTENCY_LEASE=${BOXOFFICE_IDEMPOTENCY_LEASE:-2s}
BOXOFFICE_LOG_LEVEL=warn
BOXOFFICE_ACCESS_LOG_SAMPLE=0
BOXOFFICE_RATE_LIMIT_HOLDS_PER_IP=1000000/1s
BOXOFFICE_RATE_LIMIT_ORDERS_PER_IP=1000000/1s
BOXOFFICE_RATE_LIMIT_READS_PER_IP=1000000/1s
EOF
# The crowd is on 127.0.0.1: the per-address rate limits above are raised; the per-user ones stay
# the defaults (a chaos user retries with backoff and honours Retry-After).
# What faults.sh needs to know about the stack (data, read with sed, never sourced).
cat >"$WORK/stack.env" <<EOF
BIN=$BIN
SERVERS=$WORK/servers
PG_DATA=$(env_get PG_DATA)
PG_PORT=$(env_get PG_PORT)
REDIS_PORT=$(env_get REDIS_PORT)
REDIS_PID=$(env_get REDIS_PID)
BASE=http://127.0.0.1:$PORT
EOF

env $(cat "$WORK/service.env") "$BIN" migrate up >/dev/null
loadtest/chaos/faults.sh "$WORK" start-service
BASE=http://127.0.0.1:$PORT
for _ in $(seq 100); do curl -sf "$BASE/readyz" >/dev/null && break; sleep 0.1; done
curl -sf "$BASE/readyz" >/dev/null || { echo "run.sh: boxoffice did not become ready" >&2; tail -20 "$WORK/serve.log" >&2; exit 2; }

fault_args=()
[[ $FAULT != none ]] && fault_args=(--fault-cmd "loadtest/chaos/faults.sh $WORK $FAULT")
# Faults of PostgreSQL alone: holds never touch it, so none may fail.
[[ $FAULT == pg-restart || $FAULT == pg-stall ]] && fault_args+=(--holds-without-postgres yes)
# Redis frozen or gone: holds fail within one command deadline (500 ms by default), seat-map reads
# come from the last snapshot.
[[ $FAULT == redis-* ]] && fault_args+=(--fail-fast "${CHAOS_FAIL_FAST:-600ms}")
# Holds live only in Redis: one that comes back empty or from an older snapshot may have lost them.
[[ $FAULT == redis-restart-empty || $FAULT == redis-restart-data ]] && fault_args+=(--store-loses-holds yes)
set +e
# shellcheck disable=SC2086  # CHAOS_ARGS is a list of flags
"$CHAOS" --fault "$FAULT" "${fault_args[@]}" --base "$BASE" --pg "$PG_URL" --secret "$SECRET" \
  --hold-ttl "$HOLD_TTL" --payment-window "$PAYMENT_WINDOW" --sweep "$SWEEP" ${CHAOS_ARGS:-} | tee "$WORK/verdict.txt"
rc=${PIPESTATUS[0]}
set -e
if [[ $rc -ne 0 ]]; then
  echo "--- last lines of the service's log ($WORK/serve.log)"
  tail -15 "$WORK/serve.log"
fi
exit $rc
