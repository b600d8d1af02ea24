#!/usr/bin/env bash
# How long the verifier takes on a big crowd: N users (M of them bought 2 seats each), read through
# the API with every user's token and in PostgreSQL, on the real stack (PostgreSQL + Redis).
# Usage: loadtest/bench-verify.sh [users] [buyers] [connections] [every-user: 0|1] [pg: 1|0]
set -euo pipefail
cd "$(dirname "$0")/.."
USERS=${1:-20000} BUYERS=${2:-5000} CONNECTIONS=${3:-32} EVERY=${4:-0} WITH_PG=${5:-1}
export SEATS=${SEATS:-20000}
source loadtest/stack.sh
BENCH=${BUILD_DIR:-build}/loadtest/boxoffice-bench-verify
[ -x "$BENCH" ] || scripts/build.sh --target boxoffice-bench-verify
"$BENCH" --base "$BASE" --show "$SHOW" --secret "$BOXOFFICE_JWT_SECRET" --pg "$([ "$WITH_PG" = 1 ] && echo "$BOXOFFICE_DATABASE_URL")" \
  --users "$USERS" --buyers "$BUYERS" --seats "$SEATS" --connections "$CONNECTIONS" --every-user "$EVERY"
