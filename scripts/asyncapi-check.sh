#!/usr/bin/env bash
# Checks the published event contract (service/asyncapi.yaml) with the official AsyncAPI parser:
# the document is valid AsyncAPI 3, every event type the service's sources write is documented
# (and nothing else is), and every message body given (JSON lines files, one envelope a line, as
# drained from SQS by the integration tests) validates against its event's payload schema.
#
#   scripts/asyncapi-check.sh [MESSAGES.jsonl ...]
#
# The npm tools are pinned and cached in .cache/asyncapi-tools (git-ignored).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TOOLS=$ROOT/.cache/asyncapi-tools
STAMP=$TOOLS/.installed-parser-3.6.3-ajv-8.20.0
command -v npm >/dev/null || { echo "asyncapi-check: npm is missing (apt-get install npm)" >&2; exit 1; }
mkdir -p "$TOOLS"
# Several ctest processes may get here at once: one installs, the others wait.
exec 9>"$TOOLS/.lock"
flock 9
if [[ ! -f $STAMP ]]; then
  (cd "$TOOLS" && echo '{"private":true}' >package.json &&
    npm install --no-audit --no-fund --loglevel=error @asyncapi/parser@3.6.3 ajv@8.20.0 ajv-formats@3.0.1 >/dev/null) ||
    { echo "asyncapi-check: npm install of @asyncapi/parser failed" >&2; exit 1; }
  touch "$STAMP"
fi
flock -u 9
NODE_PATH=$TOOLS/node_modules node "$ROOT/service/asyncapi-check.js" "$ROOT/service/asyncapi.yaml" "$ROOT/service/src" "$@"
