#!/usr/bin/env bash
# `promtool check metrics` on a real scrape: the embedded default serves a few requests of every
# kind (held, conflict, invalid, order, confirm, unknown route), then /metrics must pass the lint.
# Usage: promtool_check_metrics.sh BOXOFFICE_BIN
set -euo pipefail
BIN=$1
command -v promtool >/dev/null || { echo "promtool is missing (scripts/install-deps.sh installs prometheus)" >&2; exit 1; }
WORK=$(mktemp -d)
PID=""
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
export BOXOFFICE_SQLITE_PATH=$WORK/x.db BOXOFFICE_LOG_LEVEL=warn BOXOFFICE_ACCESS_LOG_SAMPLE=0
SHOW=$("$BIN" seed --demo --seats 100 2>/dev/null)
PORT=$(free_port) MPORT=$(free_port)
BOXOFFICE_PORT=$PORT BOXOFFICE_METRICS_PORT=$MPORT BOXOFFICE_LISTEN_ADDRESS=127.0.0.1 BOXOFFICE_METRICS_ADDRESS=127.0.0.1 \
  "$BIN" serve 2>"$WORK/serve.log" &
PID=$!
BASE=http://127.0.0.1:$PORT
for _ in $(seq 100); do curl -sf "$BASE/readyz" >/dev/null && break; sleep 0.1; done
T=$("$BIN" token --user lint)
post() { curl -s -X POST "$BASE$1" -H "Authorization: Bearer $T" -H 'Content-Type: application/json' -d "$2"; }
HOLD=$(post /v1/holds "{\"showId\":\"$SHOW\",\"seatIds\":[\"FLOOR1-A-1\"]}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["holdId"])')
post /v1/holds "{\"showId\":\"$SHOW\",\"seatIds\":[\"FLOOR1-A-1\"]}" >/dev/null
post /v1/holds "{\"showId\":\"$SHOW\",\"seatIds\":[\"NOPE\"]}" >/dev/null
ORDER=$(post /v1/orders "{\"holdId\":\"$HOLD\",\"customer\":{\"name\":\"L\",\"email\":\"l@example.com\",\"phone\":\"+33 1 23 45 67 89\"}}" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["orderId"])')
post "/v1/orders/$ORDER/confirm-payment" '{"paymentReference":"p"}' >/dev/null
curl -s "$BASE/no/such/route" >/dev/null
sleep 1.2  # one sample of the gauges
curl -sf "http://127.0.0.1:$MPORT/metrics" > "$WORK/metrics.txt"
grep -q '^boxoffice_holds_total{outcome="held"} 1' "$WORK/metrics.txt"
grep -q 'boxoffice_http_requests_total{code="200",method="POST",route="/v1/orders/{id}/confirm-payment"} 1' "$WORK/metrics.txt"
promtool check metrics < "$WORK/metrics.txt"
echo "promtool check metrics: ok ($(grep -vc '^#' "$WORK/metrics.txt") samples)"
