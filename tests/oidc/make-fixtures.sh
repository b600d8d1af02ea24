#!/usr/bin/env bash
# ctest fixture of the OIDC tests: installs npm `jose` (tools.sh) and signs the test tokens into OUT_DIR.
#   tests/oidc/make-fixtures.sh OUT_DIR HS256_SECRET
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOOLS=$("$HERE/tools.sh")
command -v node >/dev/null || { echo "oidc fixtures: node is missing (Debian: nodejs)" >&2; exit 1; }
cp "$HERE/make-tokens.mjs" "$TOOLS/make-tokens.mjs"  # ESM resolves `jose` next to the script
node "$TOOLS/make-tokens.mjs" "$1" "$2"
