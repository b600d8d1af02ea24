#!/usr/bin/env bash
# Proves the dashboards and rules against reality: starts PostgreSQL + Redis (scripts/test-servers.sh),
# the real service and a real Prometheus scraping it every second, drives a short flash sale, then
# checks that every dashboard panel and every rule returns data (check_live.py), that promtool
# accepts and passes the rules, and that the dashboards validate against Grafana's dashboard schema.
# Usage: dashboards/tests/e2e-prometheus.sh   (BUILD_DIR defaults to build)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
BUILD_DIR=$(cd "${BUILD_DIR:-build}" && pwd)
BIN=$BUILD_DIR/service/boxoffice
LOAD=$BUILD_DIR/loadtest/boxoffice-load
for tool in prometheus promtool curl python3 jq; do
  command -v $tool >/dev/null || { echo "e2e-prometheus: $tool is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
done
command -v npm >/dev/null || { echo "e2e-prometheus: npm is missing: it is needed to check dashboards against @grafana/schema" >&2; exit 1; }
[ -x "$BIN" ] && [ -x "$LOAD" ] || { echo "e2e-prometheus: build first ($BIN, $LOAD)" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
WORK=$(mktemp -d)
chmod 755 "$WORK"  # the postgres user must reach the servers' directory
SERVER_PID="" PROM_PID=""
cleanup() {
  [ -n "$PROM_PID" ] && kill "$PROM_PID" 2>/dev/null && wait "$PROM_PID" 2>/dev/null
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
  "$ROOT/scripts/test-servers.sh" stop "$WORK/servers" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# --- the stack -------------------------------------------------------------------------------
"$ROOT/scripts/test-servers.sh" start "$WORK/servers" >/dev/null
export BOXOFFICE_DATABASE_URL=$(sed -n 's/^PG_URL=//p' "$WORK/servers/env")
export BOXOFFICE_REDIS_URL=$(sed -n 's/^REDIS_URL=//p' "$WORK/servers/env")
export BOXOFFICE_JWT_SECRET=e2e-secret-0123456789-0123456789-0123456
export BOXOFFICE_LOG_LEVEL=warn BOXOFFICE_ACCESS_LOG_SAMPLE=0
# Short windows so that holds and orders expire during the run.
export BOXOFFICE_HOLD_TTL=2s BOXOFFICE_PAYMENT_WINDOW=2s BOXOFFICE_SWEEP_INTERVAL=500ms
SEATS=12000
"$BIN" migrate up >/dev/null
SHOW=$("$BIN" seed --demo --seats $SEATS 2>/dev/null)
PORT=$(free_port) MPORT=$(free_port) PPORT=$(free_port)
BOXOFFICE_PORT=$PORT BOXOFFICE_LISTEN_ADDRESS=127.0.0.1 BOXOFFICE_METRICS_PORT=$MPORT \
  BOXOFFICE_METRICS_ADDRESS=127.0.0.1 BOXOFFICE_METRICS_SAMPLE_INTERVAL=500ms \
  "$BIN" serve 2>"$WORK/serve.log" &
SERVER_PID=$!
BASE=http://127.0.0.1:$PORT
for _ in $(seq 100); do curl -sf "$BASE/readyz" >/dev/null && break; sleep 0.1; done
curl -sf "$BASE/readyz" >/dev/null || { cat "$WORK/serve.log" >&2; echo "e2e-prometheus: service did not start" >&2; exit 1; }

cat > "$WORK/prometheus.yml" <<CONF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $ROOT/dashboards/prometheus/rules.yaml
  - $ROOT/dashboards/prometheus/alerts.yaml
scrape_configs:
  - job_name: boxoffice
    static_configs:
      - targets: ["127.0.0.1:$MPORT"]
CONF
promtool check config "$WORK/prometheus.yml" >/dev/null
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/tsdb" \
  --web.listen-address=127.0.0.1:$PPORT --log.level=warn 2>"$WORK/prometheus.log" &
PROM_PID=$!
PROM=http://127.0.0.1:$PPORT
for _ in $(seq 100); do curl -sf "$PROM/-/ready" >/dev/null && break; sleep 0.2; done
curl -sf "$PROM/-/ready" >/dev/null || { cat "$WORK/prometheus.log" >&2; echo "e2e-prometheus: prometheus did not start" >&2; exit 1; }
# Prometheus applies new targets every 5 s: the sale starts once the service has been scraped.
for _ in $(seq 150); do
  curl -sf "$PROM/api/v1/query?query=up" | jq -e '.data.result | length > 0' >/dev/null && break; sleep 0.1
done
STARTED=$(date +%s)

# --- the flash sale ------------------------------------------------------------------------------
token() { "$BIN" token --user "$1" --ttl 1h; }
hold() {  # hold USER_TOKEN SEAT... -> prints the response body
  local t=$1; shift
  local seats; seats=$(printf '"%s",' "$@"); seats=${seats%,}
  curl -s -X POST "$BASE/v1/holds" -H "Authorization: Bearer $t" -H 'Content-Type: application/json' \
    -H 'Connection: keep-alive' -d "{\"showId\":\"$SHOW\",\"seatIds\":[$seats]}"
}
A=$(token e2e-a) B=$(token e2e-b)
# A conflict, an invalid hold and an unknown route.
hold "$A" FLOOR1-T-1 >/dev/null
hold "$B" FLOOR1-T-1 | grep -q SEATS_UNAVAILABLE
hold "$B" NO-SUCH-SEAT | grep -q VALIDATION_FAILED
curl -s "$BASE/v1/nothing-here" >/dev/null
# An idempotent replay.
for _ in 1 2; do
  curl -s -X POST "$BASE/v1/holds" -H "Authorization: Bearer $B" -H 'Content-Type: application/json' \
    -H 'Idempotency-Key: e2e-replay-1' -d "{\"showId\":\"$SHOW\",\"seatIds\":[\"FLOOR1-T-2\"]}" >/dev/null
done
# A hold left to expire, and an order left unpaid (the sweeper expires it) and one cancelled.
EXPIRING=$(hold "$A" FLOOR1-T-3 | jq -r .holdId)
UNPAID=$(hold "$B" FLOOR1-T-4 | jq -r .holdId)
CANCEL=$(hold "$B" FLOOR1-T-5 | jq -r .holdId)
order() { curl -s -X POST "$BASE/v1/orders" -H "Authorization: Bearer $B" -H 'Content-Type: application/json' \
  -d "{\"holdId\":\"$1\",\"customer\":{\"name\":\"E2E\",\"email\":\"e2e@example.com\",\"phone\":\"+33 6 00 00 00 00\"}}"; }
order "$UNPAID" | jq -e .orderId >/dev/null
CANCELLED=$(order "$CANCEL" | jq -r .orderId)
curl -s -X POST "$BASE/v1/orders/$CANCELLED/cancel" -H "Authorization: Bearer $B" | jq -e '.status=="CANCELLED"' >/dev/null

# The waiting room on the demo show (the harness's sale is on a show of its own): two users join,
# both are admitted; one holds with the admission token, the other lets the 10 s window run out
# (an abandoned turn, counted by the first store call after it: the admin's read after the sale).
ADMIN=$("$BIN" token --user e2e-admin --role admin --ttl 1h) C=$(token e2e-c)
curl -sf -X PUT "$BASE/v1/shows/$SHOW/waiting-room" -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
  -d "{\"enabled\":true,\"opensAt\":\"$(date -u +%FT%TZ)\",\"admitRate\":100,\"shoppingWindowSeconds\":10}" >/dev/null
for t in "$A" "$C"; do curl -sf -X POST "$BASE/v1/shows/$SHOW/queue" -H "Authorization: Bearer $t" >/dev/null; done
sleep 0.2
ADMITTED_AT=$(date +%s)
ADMISSION=$(curl -sf "$BASE/v1/shows/$SHOW/queue/me" -H "Authorization: Bearer $A" | jq -er .admissionToken)
curl -sf "$BASE/v1/shows/$SHOW/queue/me" -H "Authorization: Bearer $C" | jq -e '.status=="ADMITTED"' >/dev/null
curl -s -X POST "$BASE/v1/holds" -H "Authorization: Bearer $A" -H "Boxoffice-Admission: $ADMISSION" \
  -H 'Content-Type: application/json' -d "{\"showId\":\"$SHOW\",\"seatIds\":[\"FLOOR1-T-6\"]}" | jq -e .holdId >/dev/null

# ===== LOAD: the one place that drives the sale: the CI flash sale of the harness (2,000 users for
# 500 seats of a show it creates, conflicts, abandoned holds and orders, cancellations), verified,
# with the service's own metrics compared with what the crowd counted.
"$LOAD" --preset ci --base "$BASE" --pg "$BOXOFFICE_DATABASE_URL" --metrics "http://127.0.0.1:$MPORT/metrics" \
  --expiry-wait 20s --quiet > "$WORK/load.txt" 2>&1 || { cat "$WORK/load.txt" >&2; echo "e2e-prometheus: the flash sale failed" >&2; exit 1; }
# ===== end of LOAD
grep -E "^== verification|sold out|requests in" "$WORK/load.txt" | sed 's/^/  load: /'

# The expired hold is found expired when read.
curl -s "$BASE/v1/holds/$EXPIRING" -H "Authorization: Bearer $A" | jq -e '.status=="EXPIRED"' >/dev/null
WAIT=$(( ADMITTED_AT + 11 - $(date +%s) )); [ $WAIT -le 0 ] || sleep $WAIT  # past C's shopping window
curl -sf "$BASE/v1/shows/$SHOW/queue" -H "Authorization: Bearer $ADMIN" | jq -e '.abandoned==1 and .held==1' >/dev/null \
  || { echo "e2e-prometheus: the waiting room did not count one held and one abandoned turn" >&2; exit 1; }
sleep 4  # a few more scrapes and rule evaluations after the sale (rates over 30 s still cover it)
RANGE="$(( $(date +%s) - STARTED + 5 ))s"

# --- the checks ----------------------------------------------------------------------------------
status=0
python3 "$ROOT/dashboards/tests/check_live.py" "$PROM" "$RANGE" "$ROOT"/dashboards/grafana/*.json || status=1
promtool check rules "$ROOT/dashboards/prometheus/rules.yaml" "$ROOT/dashboards/prometheus/alerts.yaml" || status=1
(cd "$ROOT/dashboards/tests" && promtool test rules alerts_test.yaml) || status=1
curl -sf "http://127.0.0.1:$MPORT/metrics" > "$WORK/metrics.txt"
promtool check metrics < "$WORK/metrics.txt" && echo "promtool check metrics: ok" || status=1

# Grafana's dashboard schema: npm packages in a cache of the repository's own (not committed).
TOOLS=$ROOT/.cache/dashboard-tools
if [ ! -d "$TOOLS/node_modules/@grafana/schema" ]; then
  mkdir -p "$TOOLS"
  (cd "$TOOLS" && npm install --no-audit --no-fund --loglevel=error @grafana/schema@13.2.3 \
     ts-json-schema-generator@2 ajv@8 ajv-formats@3 >/dev/null) \
    || { echo "e2e-prometheus: npm install of the Grafana schema tools failed" >&2; exit 1; }
fi
(cd "$TOOLS" && npx ts-json-schema-generator --path node_modules/@grafana/schema/dist/types/raw/dashboard/x/types.gen.d.ts \
   --type Dashboard --no-type-check > "$WORK/dashboard.schema.json")
NODE_PATH=$TOOLS/node_modules node "$ROOT/dashboards/tests/validate-dashboards.js" "$WORK/dashboard.schema.json" \
  "$ROOT"/dashboards/grafana/*.json || status=1

[ $status -eq 0 ] && echo "e2e-prometheus: all checks passed" || echo "e2e-prometheus: FAILED" >&2
exit $status
