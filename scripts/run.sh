#!/usr/bin/env bash
# The README's run command: install what is missing, build, seed the demo catalog into the
# embedded SQLite database and serve it on http://127.0.0.1:${BOXOFFICE_PORT:-8080}.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh --target boxoffice
BIN=${BUILD_DIR:-build}/service/boxoffice
mkdir -p data
export BOXOFFICE_SQLITE_PATH=${BOXOFFICE_SQLITE_PATH:-data/boxoffice.db}
export BOXOFFICE_PORT=${BOXOFFICE_PORT:-8080}
SHOW=$("$BIN" seed --demo)
cat <<MSG
boxoffice is starting on http://127.0.0.1:${BOXOFFICE_PORT} (embedded SQLite: ${BOXOFFICE_SQLITE_PATH})
  demo show:  curl -s http://127.0.0.1:${BOXOFFICE_PORT}/v1/shows/${SHOW}
  seat map:   curl -s http://127.0.0.1:${BOXOFFICE_PORT}/v1/shows/${SHOW}/seatmap/availability
Stop with Ctrl-C (a graceful stop).
MSG
exec "$BIN" serve
