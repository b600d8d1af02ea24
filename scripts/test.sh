#!/usr/bin/env bash
# The README's test command: install what is missing, build, run every test (unit and integration,
# the latter against real PostgreSQL and Redis that ctest starts and stops via scripts/test-servers.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/check-format.sh
scripts/build.sh
BUILD_DIR=${BUILD_DIR:-build}
cd "$BUILD_DIR"
ctest --output-on-failure --timeout 600 -j "$(nproc)" "$@"
