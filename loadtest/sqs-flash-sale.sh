#!/usr/bin/env bash
# The flash sale with publishing on (ctest `flash_sale.sqs`, labels integration;sqs): PostgreSQL +
# Redis + moto_server (signature checking on) from scripts/test-servers.sh, a FIFO queue, and
# boxoffice serve with its outbox relay; `boxoffice-load --preset ci --sqs-queue URL` then checks,
# besides the usual verification, that every outbox row of the sale reached the queue exactly once
# per outbox id, as its envelope, and nothing else. Prints the relay's figures.
#   loadtest/sqs-flash-sale.sh [BOXOFFICE_BIN] [BOXOFFICE_LOAD_BIN] [extra boxoffice-load flags]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-${BUILD_DIR:-build}/service/boxoffice}
LOAD=${2:-${BUILD_DIR:-build}/loadtest/boxoffice-load}
shift $(( $# < 2 ? $# : 2 ))
WORK=$(mktemp -d)
chmod 755 "$WORK"  # the postgres user must reach the servers' directory
SERVER_PID=
cleanup() {
  [[ -n $SERVER_PID ]] && { kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null || true; }
  scripts/test-servers.sh stop "$WORK/servers" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 143' TERM INT
scripts/test-servers.sh start "$WORK/servers" >/dev/null
get() { sed -n "s/^$1=//p" "$WORK/servers/env"; }
PG_URL=$(get PG_URL)
MOTO_URL=$(get MOTO_URL)
export AWS_ACCESS_KEY_ID=$(get MOTO_ACCESS_KEY_ID) AWS_SECRET_ACCESS_KEY=$(get MOTO_SECRET_ACCESS_KEY) AWS_REGION=us-east-1
QUEUE=$(python3 - "$MOTO_URL" <<'PY'
import sys, boto3
sqs = boto3.client("sqs", endpoint_url=sys.argv[1], region_name="us-east-1")
print(sqs.create_queue(QueueName="flash-sale.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"])
PY
)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
MPORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export BOXOFFICE_DATABASE_URL=$PG_URL BOXOFFICE_REDIS_URL=$(get REDIS_URL)
export BOXOFFICE_JWT_SECRET=sqs-flash-sale-secret-0123456789-abcdef
# The buyers pay through the dev provider (the service and the harness both read this secret).
export BOXOFFICE_PAYMENTS_DEV_WEBHOOK_SECRET=whsec_sqs_flash_sale_0123456789abcdef
export BOXOFFICE_LOG_LEVEL=warn BOXOFFICE_ACCESS_LOG_SAMPLE=0
export BOXOFFICE_HOLD_TTL=4s BOXOFFICE_PAYMENT_WINDOW=4s BOXOFFICE_SWEEP_INTERVAL=500ms
# Every virtual user comes from 127.0.0.1: the per-address rate limits are raised for that; the
# per-user ones stay the defaults.
export BOXOFFICE_RATE_LIMIT_HOLDS_PER_IP=1000000/1s BOXOFFICE_RATE_LIMIT_ORDERS_PER_IP=1000000/1s BOXOFFICE_RATE_LIMIT_READS_PER_IP=1000000/1s
export BOXOFFICE_SQS_QUEUE_URL=$QUEUE BOXOFFICE_SQS_ENDPOINT=$MOTO_URL
"$BIN" migrate up >/dev/null
BOXOFFICE_PORT=$PORT BOXOFFICE_LISTEN_ADDRESS=127.0.0.1 BOXOFFICE_METRICS_PORT=$MPORT BOXOFFICE_METRICS_ADDRESS=127.0.0.1 \
  "$BIN" serve 2>"$WORK/serve.log" &
SERVER_PID=$!
BASE=http://127.0.0.1:$PORT
for _ in $(seq 100); do curl -sf "$BASE/readyz" >/dev/null && break; sleep 0.1; done
curl -sf "$BASE/readyz" >/dev/null || { echo "boxoffice did not become ready"; tail -20 "$WORK/serve.log"; exit 1; }

status=0
echo "--- flash sale with publishing: --preset ci --sqs-queue $QUEUE"
"$LOAD" --preset ci --base "$BASE" --pg "$PG_URL" --metrics "http://127.0.0.1:$MPORT/metrics" --expiry-wait 20s \
  --quiet --sqs-queue "$QUEUE" --sqs-endpoint "$MOTO_URL" --report "$WORK/sqs.json" "$@" || status=1
echo "--- the relay's counters"
curl -sf "http://127.0.0.1:$MPORT/metrics" | grep -E '^boxoffice_outbox_(published_total|publish_failures_total\{[^}]*\} [1-9]|parked |depth |oldest_age_seconds |batch_duration_seconds_(sum|count))' || true
if [[ $status -ne 0 ]]; then
  echo "--- last lines of the service's log"
  tail -20 "$WORK/serve.log"
fi
exit $status
