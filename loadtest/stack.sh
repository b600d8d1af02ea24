# Sourced by the bench-*.sh scripts: starts PostgreSQL + Redis (scripts/test-servers.sh), migrates,
# seeds the demo arena and serves boxoffice on a free loopback port. Sets BIN, WORK, PORT, METRICS_PORT, SHOW,
# BASE and BOXOFFICE_JWT_SECRET; everything stops on exit.
BIN=${BUILD_DIR:-build}/service/boxoffice
[ -x "$BIN" ] || scripts/build.sh
WORK=$(mktemp -d)
chmod 755 "$WORK"  # the postgres user must reach the servers' directory
scripts/test-servers.sh start "$WORK/servers" >/dev/null
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export BOXOFFICE_DATABASE_URL=$(sed -n 's/^PG_URL=//p' "$WORK/servers/env")
export BOXOFFICE_REDIS_URL=$(sed -n 's/^REDIS_URL=//p' "$WORK/servers/env")
# Every client here is on 127.0.0.1: the per-address rate limits are raised for that (a caller may
# set them itself). The per-user ones stay the defaults unless a benchmark raises them.
export BOXOFFICE_RATE_LIMIT_HOLDS_PER_IP=${BOXOFFICE_RATE_LIMIT_HOLDS_PER_IP:-1000000/1s}
export BOXOFFICE_RATE_LIMIT_ORDERS_PER_IP=${BOXOFFICE_RATE_LIMIT_ORDERS_PER_IP:-1000000/1s}
export BOXOFFICE_RATE_LIMIT_READS_PER_IP=${BOXOFFICE_RATE_LIMIT_READS_PER_IP:-1000000/1s}
export BOXOFFICE_JWT_SECRET=bench-secret-0123456789-0123456789-0123 BOXOFFICE_LOG_LEVEL=warn BOXOFFICE_ACCESS_LOG_SAMPLE=0
"$BIN" migrate up >/dev/null
SHOW=$("$BIN" seed --demo --seats "${SEATS:-20000}" 2>/dev/null)
# Metrics on a free port too: benchmarks of several worktrees may run one after another.
METRICS_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BOXOFFICE_PORT=$PORT BOXOFFICE_LISTEN_ADDRESS=127.0.0.1 BOXOFFICE_METRICS_PORT=$METRICS_PORT BOXOFFICE_METRICS_ADDRESS=127.0.0.1 \
  "$BIN" serve 2>"$WORK/serve.log" &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null; wait $SERVER_PID 2>/dev/null; scripts/test-servers.sh stop "$WORK/servers" >/dev/null; rm -rf "$WORK"' EXIT
BASE=http://127.0.0.1:$PORT
for _ in $(seq 100); do curl -sf "$BASE/readyz" >/dev/null && break; sleep 0.1; done

# wrk with a latency summary on one line: run_wrk NAME [wrk args...]
run_wrk() {
  local name=$1; shift
  local out
  out=$(wrk -t2 -c"${CONNS:-256}" -d"${DURATION:-10}s" --latency "$@")
  printf '%-34s %10s req/s  p50 %-9s p99 %-9s non-2xx %s\n' "$name" \
    "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" "$(awk '$1=="50%" {print $2}' <<<"$out")" \
    "$(awk '$1=="99%" {print $2}' <<<"$out")" "$(awk '/Non-2xx/ {print $5}' <<<"$out")"
}
