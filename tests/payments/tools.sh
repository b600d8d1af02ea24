#!/usr/bin/env bash
# Installs the payment tests' webhook signer, Stripe's own npm library `stripe` (pinned in
# tests/payments/npm/package.json, every version and hash in its package-lock.json), into
# .cache/stripe-tools (git-ignored) with `npm ci`, copies sign-webhook.mjs beside it, and prints the
# directory. Idempotent; several test processes may call it at once: one installs, the others wait.
set -euo pipefail
cd "$(dirname "$0")/../.."
TOOLS=$PWD/.cache/stripe-tools
SOURCE=$PWD/tests/payments
command -v npm >/dev/null || { echo "stripe-tools: npm is missing (Debian: npm)" >&2; exit 1; }
command -v node >/dev/null || { echo "stripe-tools: node is missing (Debian: nodejs)" >&2; exit 1; }
mkdir -p "$TOOLS"
exec 9>"$TOOLS/.lock"
flock 9
# ESM resolves `stripe` next to the script.
cp "$SOURCE/sign-webhook.mjs" "$TOOLS/sign-webhook.mjs"
if [ -f "$TOOLS/.installed" ] && cmp -s "$TOOLS/.installed" "$SOURCE/npm/package-lock.json" &&
  [ -f "$TOOLS/node_modules/stripe/package.json" ]; then
  echo "$TOOLS"
  exit 0
fi
rm -f "$TOOLS/.installed"
cp "$SOURCE/npm/package.json" "$SOURCE/npm/package-lock.json" "$TOOLS/"
(cd "$TOOLS" && npm ci --no-audit --no-fund --loglevel=error >&2) || { echo "stripe-tools: npm ci failed" >&2; exit 1; }
cp "$SOURCE/npm/package-lock.json" "$TOOLS/.installed"
echo "$TOOLS"
