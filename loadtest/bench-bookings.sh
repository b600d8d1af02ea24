#!/usr/bin/env bash
# Full bookings (hold -> order -> confirm) per second on real PostgreSQL + Redis.
# Usage: loadtest/bench-bookings.sh [seconds] [workers]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN=${1:-10} WORKERS=${2:-64}
# 100,000 seats: at ~2,500 bookings/s of 2 seats a 10 s run would sell out 50,000.
export SEATS=${SEATS:-100000}
# Virtual users here are machines (no think time, up to 10 quick retries, 1,000 tokens at 15k holds/s):
# the per-user rate limits are raised too; the limiter still runs, so its cost is measured.
export BOXOFFICE_RATE_LIMIT_HOLDS_PER_USER=1000000/1s BOXOFFICE_RATE_LIMIT_ORDERS_PER_USER=1000000/1s BOXOFFICE_RATE_LIMIT_READS_PER_USER=1000000/1s
source loadtest/stack.sh
BENCH=${BUILD_DIR:-build}/loadtest/boxoffice-bench-bookings
[ -x "$BENCH" ] || scripts/build.sh --target boxoffice-bench-bookings
echo "closed loop, $WORKERS workers, 2-seat bookings on a $SEATS-seat show, PostgreSQL + Redis, same box"
"$BENCH" --base "$BASE" --show "$SHOW" --secret "$BOXOFFICE_JWT_SECRET" --seats "$SEATS" --workers "$WORKERS" --seconds "$SECONDS_TO_RUN"
