#!/usr/bin/env bash
# The flash-sale harness against the local real stack: PostgreSQL + Redis started by
# scripts/test-servers.sh (through loadtest/stack.sh), boxoffice on a free loopback port, a fresh
# demo show of SEATS seats; then boxoffice-load with the given flags, verified in PostgreSQL too.
#   loadtest/flash-sale.sh [--preset demo|ci|stress|race] [boxoffice-load flags...]
# Environment: SEATS (20000), BOXOFFICE_HOLD_TTL / _PAYMENT_WINDOW (8s) for the server.
set -euo pipefail
cd "$(dirname "$0")/.."
export BOXOFFICE_HOLD_TTL=${BOXOFFICE_HOLD_TTL:-8s} BOXOFFICE_PAYMENT_WINDOW=${BOXOFFICE_PAYMENT_WINDOW:-8s}
export BOXOFFICE_SWEEP_INTERVAL=${BOXOFFICE_SWEEP_INTERVAL:-1s}
LOAD=${BUILD_DIR:-build}/loadtest/boxoffice-load
[ -x "$LOAD" ] || scripts/build.sh --target boxoffice-load
# stack.sh raises the per-address rate limits (everything is on 127.0.0.1); the per-user ones stay
# the defaults, which the demo and ci presets stay within. `--preset stress` retries 10 times without
# a pause: give it BOXOFFICE_RATE_LIMIT_HOLDS_PER_USER=100/1s (bench-flash-sale.sh does).
source loadtest/stack.sh
"$LOAD" --base "$BASE" --show "$SHOW" --pg "$BOXOFFICE_DATABASE_URL" --metrics "http://127.0.0.1:$METRICS_PORT/metrics" "$@"
