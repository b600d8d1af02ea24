#!/usr/bin/env bash
# Installs the OIDC tests' token signer, npm `jose` (pinned in tests/oidc/npm/package.json, every
# version and hash in its package-lock.json), into .cache/oidc-tools (git-ignored) with `npm ci`, and
# prints the directory. Idempotent: a second run with the same lock file does nothing. Several ctest
# processes may call it at once: one installs, the others wait.
set -euo pipefail
cd "$(dirname "$0")/../.."
TOOLS=$PWD/.cache/oidc-tools
SOURCE=$PWD/tests/oidc/npm
command -v npm >/dev/null || { echo "oidc-tools: npm is missing (Debian: npm)" >&2; exit 1; }
mkdir -p "$TOOLS"
exec 9>"$TOOLS/.lock"
flock 9
if [ -f "$TOOLS/.installed" ] && cmp -s "$TOOLS/.installed" "$SOURCE/package-lock.json" &&
  [ -f "$TOOLS/node_modules/jose/package.json" ]; then
  echo "$TOOLS"
  exit 0
fi
rm -f "$TOOLS/.installed"
cp "$SOURCE/package.json" "$SOURCE/package-lock.json" "$TOOLS/"
(cd "$TOOLS" && npm ci --no-audit --no-fund --loglevel=error >&2) || { echo "oidc-tools: npm ci failed" >&2; exit 1; }
cp "$SOURCE/package-lock.json" "$TOOLS/.installed"
echo "$TOOLS"
