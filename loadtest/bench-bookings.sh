#!/usr/bin/env bash
# Full bookings (hold -> order -> confirm) per second on real PostgreSQL + Redis, beside what
# PostgreSQL itself does with the service's own booking statements (pgbench, 8 clients, the same
# server, right after): the ratio is the service's overhead. Twice: first on a durable PostgreSQL
# (fsync and synchronous commit on, PostgreSQL's defaults: the headline), then with fsync off (as
# the test servers run).
# Usage: loadtest/bench-bookings.sh [seconds] [workers]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN=${1:-10} WORKERS=${2:-64}
# 100,000 seats: at ~2,500 bookings/s of 2 seats a 10 s run would sell out 50,000.
export SEATS=${SEATS:-100000}
# Virtual users here are machines (no think time, up to 10 quick retries, 1,000 tokens at 15k holds/s):
# the per-user rate limits are raised too; the limiter still runs, so its cost is measured.
export BOXOFFICE_RATE_LIMIT_HOLDS_PER_USER=1000000/1s BOXOFFICE_RATE_LIMIT_ORDERS_PER_USER=1000000/1s BOXOFFICE_RATE_LIMIT_READS_PER_USER=1000000/1s
BENCH=${BUILD_DIR:-build}/loadtest/boxoffice-bench-bookings
[ -x "$BENCH" ] || scripts/build.sh --target boxoffice-bench-bookings
PGBENCH=/usr/lib/postgresql/15/bin/pgbench
[ -x "$PGBENCH" ] || { echo "pgbench is missing (postgresql-15)" >&2; exit 1; }

one_stack() {  # one_stack DURABLE LABEL
  (
    export BOXOFFICE_TEST_PG_DURABLE=$1
    source loadtest/stack.sh
    echo "== PostgreSQL $2: closed loop, $WORKERS workers, 2-seat bookings on a $SEATS-seat show, PostgreSQL + Redis, same box"
    out=$("$BENCH" --base "$BASE" --show "$SHOW" --secret "$BOXOFFICE_JWT_SECRET" --seats "$SEATS" --workers "$WORKERS" \
      --seconds "$SECONDS_TO_RUN")
    echo "$out"
    service=$(sed -n 's/^bookings: .* = \([0-9.]*\) bookings\/s.*/\1/p' <<<"$out")
    pg=$("$PGBENCH" -n -M prepared -c 8 -j 2 -T "$SECONDS_TO_RUN" -D "show=$SHOW" -f loadtest/pgbench-booking.sql \
      "$BOXOFFICE_DATABASE_URL" 2>&1 | awk '/^tps = / {print $3}')
    printf 'pgbench, the same booking statements, 8 clients: %.0f bookings/s; the service: %s = %.2fx\n' \
      "$pg" "$service" "$(awk -v a="$service" -v b="$pg" 'BEGIN {print (b > 0 ? a / b : 0)}')"
  )
}
one_stack 1 "durable (fsync on)"
one_stack 0 "fsync off"
