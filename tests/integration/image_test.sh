#!/usr/bin/env bash
# The built container image against real PostgreSQL and Redis (TLS + AUTH, like ElastiCache) from
# scripts/test-servers.sh: `migrate up`, `seed`, `serve`, /readyz 200, one hold -> order -> confirm
# through curl, then the image's own `boxoffice-load` (as the Helm chart's `helm test` sale pod runs
# it) sells a tiny show on that service and must verify CLEAN, then SIGTERM: readiness fails
# during the grace, the process drains and exits 0.
#
#   tests/integration/image_test.sh BUILD_DIR     (ctest: image.run; image.build builds it first)
#
# Exits 77 (ctest: skipped) only when the container tools cannot run here, saying why.
set -euo pipefail
BUILD_DIR=$(cd "${1:?usage: image_test.sh BUILD_DIR}" && pwd -P)
IMAGE=${IMAGE_TAG:-localhost/boxoffice:dev}
: "${BOXOFFICE_TEST_ENV:?BOXOFFICE_TEST_ENV must name the env file of scripts/test-servers.sh}"

log() { echo "image-test: $*" >&2; }
fail() {
  log "FAIL: $*"
  exit 1
}
skip() {
  log "SKIPPED: $*"
  exit 77
}

for tool in podman runc curl jq psql python3; do
  command -v "$tool" >/dev/null || { [[ $tool == podman || $tool == runc ]] && skip "$tool is not installed (apt-get install podman runc)"; fail "$tool not found"; }
done
export CONTAINERS_STORAGE_CONF=$BUILD_DIR/image/storage.conf CONTAINERS_CONF=$BUILD_DIR/image/containers.conf
[[ -f $CONTAINERS_STORAGE_CONF ]] || fail "no image storage in $BUILD_DIR/image (scripts/build-image.sh did not run)"
podman info >/dev/null 2>&1 || skip "podman cannot run here: $(podman info 2>&1 | tail -n 1)"
podman image exists "$IMAGE" || fail "image $IMAGE is not in $BUILD_DIR/image (image.build failed?)"

env_get() { sed -n "s/^$1=//p" "$BOXOFFICE_TEST_ENV" | tail -n 1; }
PG_URL=$(env_get PG_URL)
REDIS_TLS_URL=$(env_get REDIS_TLS_URL)
REDIS_TLS_CA=$(env_get REDIS_TLS_CA)
[[ -n $PG_URL && -n $REDIS_TLS_URL && -f $REDIS_TLS_CA ]] || fail "test servers' env incomplete ($BOXOFFICE_TEST_ENV)"

read -r PORT METRICS_PORT < <(python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))')
NAME=boxoffice-image-test-$$
DB=image_test_$$
SECRET=$(python3 -c 'import secrets; print(secrets.token_hex(24))')
WORK=$(mktemp -d)
BASE=http://127.0.0.1:$PORT

cleanup() {
  podman rm -f --time 1 "$NAME" >/dev/null 2>&1 || true
  psql "$PG_URL" -qc "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
  rm -rf -- "$WORK"
}
trap cleanup EXIT

# Its own database on the shared test server, so the schema and data are this test's alone.
psql "$PG_URL" -qc "CREATE DATABASE $DB" || fail "could not create database $DB"
DB_URL="${PG_URL%/*}/$DB?sslmode=disable"

# What an ECS task gets: settings in the environment, the CA bundle mounted, a read-only root, the
# image's own non-root user; --network host because podman's bridge would add iptables rules here.
run_args=(--network host --read-only --pids-limit 512
  -v "$REDIS_TLS_CA:/etc/boxoffice/redis-ca.crt:ro"
  -e BOXOFFICE_DATABASE_URL="$DB_URL"
  -e BOXOFFICE_REDIS_URL="$REDIS_TLS_URL"
  -e BOXOFFICE_REDIS_TLS_CA_FILE=/etc/boxoffice/redis-ca.crt
  -e BOXOFFICE_JWT_SECRET="$SECRET"
  -e BOXOFFICE_LISTEN_ADDRESS=127.0.0.1 -e BOXOFFICE_PORT="$PORT"
  -e BOXOFFICE_METRICS_ADDRESS=127.0.0.1 -e BOXOFFICE_METRICS_PORT="$METRICS_PORT"
  -e BOXOFFICE_RATE_LIMIT_HOLDS_PER_IP=1000000/1s -e BOXOFFICE_RATE_LIMIT_READS_PER_IP=1000000/1s
  -e BOXOFFICE_HTTP_THREADS=2 -e BOXOFFICE_SHUTDOWN_GRACE=2s -e BOXOFFICE_SHUTDOWN_TIMEOUT=10s)

# 1. migrate up: a one-off container, exit 0, the migrations applied.
out=$(podman run --rm "${run_args[@]}" "$IMAGE" migrate up 2>&1) || fail "migrate up exited non-zero: $out"
[[ $out =~ applied\ [1-9][0-9]*\ migration ]] || fail "migrate up did not apply migrations: $out"
status=$(podman run --rm "${run_args[@]}" "$IMAGE" migrate status 2>&1) || fail "migrate status failed: $status"
grep -q '^pending' <<<"$status" && fail "migrations still pending after migrate up: $status"
log "migrate up: $out"

# 2. seed a small show on sale now (prints its id) and mint a user token, both with the image.
SHOW=$(podman run --rm "${run_args[@]}" "$IMAGE" seed --demo --seats 40 2>"$WORK/seed.err") ||
  fail "seed failed: $(cat "$WORK/seed.err")"
[[ $SHOW =~ ^[0-9a-f-]{36}$ ]] || fail "seed printed no show id: $SHOW"
TOKEN=$(podman run --rm "${run_args[@]}" "$IMAGE" token --user image-test-user --ttl 10m) || fail "token failed"

# 3. serve: the default command, detached.
podman run -d --name "$NAME" "${run_args[@]}" "$IMAGE" >/dev/null || fail "podman run serve failed"
pid=$(podman inspect --format '{{.State.Pid}}' "$NAME")
[[ $(tr '\0' ' ' <"/proc/$pid/cmdline") == "/usr/local/bin/boxoffice serve " ]] ||
  fail "the container's first process is not boxoffice itself: $(tr '\0' ' ' <"/proc/$pid/cmdline")"
uid=$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")
[[ $uid == 10001 ]] || fail "boxoffice runs as uid $uid, not the image's non-root 10001"

ready=""
for _ in $(seq 1 100); do
  code=$(curl -s -o "$WORK/ready.json" -w '%{http_code}' "$BASE/readyz" || true)
  [[ $code == 200 ]] && ready=1 && break
  podman container exists "$NAME" && [[ $(podman inspect --format '{{.State.Running}}' "$NAME") == true ]] ||
    fail "the service exited during start-up: $(podman logs "$NAME" 2>&1 | tail -n 20)"
  sleep 0.2
done
[[ -n $ready ]] || fail "/readyz never answered 200 (last $code): $(podman logs "$NAME" 2>&1 | tail -n 20)"
log "/readyz 200: $(tr -d '\n' <"$WORK/ready.json")"
curl -sf -o "$WORK/metrics.txt" "http://127.0.0.1:$METRICS_PORT/metrics" || fail "/metrics on the metrics port did not answer"
grep -q '^boxoffice_build_info' "$WORK/metrics.txt" || fail "/metrics on the metrics port has no boxoffice_build_info"

# 4. One sale: hold two available seats -> order -> confirm payment.
api() { # METHOD PATH [BODY] -> body in $WORK/body, status echoed
  local args=(-s -o "$WORK/body" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $TOKEN" -H 'Connection: keep-alive')
  [[ $# -ge 3 ]] && args+=(-H 'Content-Type: application/json' -d "$3")
  curl "${args[@]}" "$BASE$2"
}
code=$(api GET "/v1/shows/$SHOW/seatmap")
[[ $code == 200 ]] || fail "seat map: $code $(cat "$WORK/body")"
seats=$(jq -c '[.. | objects | select(.status? == "AVAILABLE" and (.seatId? // .id?) != null) | (.seatId // .id)][0:2]' "$WORK/body")
[[ $(jq length <<<"$seats") == 2 ]] || fail "no two available seats in the seat map: $(head -c 400 "$WORK/body")"
code=$(api POST /v1/holds "{\"showId\":\"$SHOW\",\"seatIds\":$seats}")
[[ $code == 201 ]] || fail "hold: $code $(cat "$WORK/body")"
hold=$(jq -r .holdId "$WORK/body")
[[ $(jq -r .status "$WORK/body") == HELD ]] || fail "hold status: $(cat "$WORK/body")"
code=$(api POST /v1/orders "{\"holdId\":\"$hold\",\"customer\":{\"name\":\"Image Test\",\"email\":\"image@example.com\",\"phone\":\"+33 6 12 34 56 78\"}}")
[[ $code == 201 ]] || fail "order: $code $(cat "$WORK/body")"
order=$(jq -r .orderId "$WORK/body")
[[ $(jq -r .status "$WORK/body") == PAYMENT_PENDING ]] || fail "order status: $(cat "$WORK/body")"
code=$(api POST "/v1/orders/$order/confirm-payment" '{"paymentReference":"image-test-1"}')
[[ $code == 200 ]] || fail "confirm: $code $(cat "$WORK/body")"
[[ $(jq -r .status "$WORK/body") == CONFIRMED && $(jq '.tickets | length' "$WORK/body") == 2 ]] ||
  fail "confirm did not give two tickets: $(cat "$WORK/body")"
# The sale is in the database, not only in the answer.
sold=$(psql "${PG_URL%/*}/$DB" -tAc "SELECT status FROM orders WHERE id = '$order'")
[[ $sold == CONFIRMED ]] || fail "order $order in PostgreSQL has status '$sold'"
# The seats are taken now: holding them again is refused.
code=$(api POST /v1/holds "{\"showId\":\"$SHOW\",\"seatIds\":$seats}")
[[ $code == 409 ]] || fail "holding sold seats again answered $code, not 409"
log "sale: hold $hold -> order $order CONFIRMED with 2 tickets; seats $seats now refused (409)"

# 5. The harness in the image: its path as the chart's pods start it (command, not the entrypoint),
# the flags of the chart's `helm test` sale (templates/tests/test-sale.yaml, default values), plus
# --pg and --metrics so the verdict also covers PostgreSQL and the service's counters.
entrypoint=$(podman image inspect --format '{{json .Config.Entrypoint}}' "$IMAGE")
[[ $entrypoint == '["/usr/local/bin/boxoffice"]' ]] || fail "the entrypoint is $entrypoint, not boxoffice"
load_start=$SECONDS
load_rc=0
podman run --rm --network host --read-only --entrypoint /usr/local/bin/boxoffice-load \
  -e BOXOFFICE_JWT_SECRET="$SECRET" "$IMAGE" \
  --preset ci --base "$BASE" --seats 25 --users 100 --connections 50 --threads 1 --expiry-wait 0s --quiet \
  --pg "$DB_URL" --metrics "http://127.0.0.1:$METRICS_PORT/metrics" >"$WORK/load.out" 2>&1 || load_rc=$?
[[ $load_rc == 0 ]] || fail "boxoffice-load in the image exited $load_rc: $(tail -n 30 "$WORK/load.out")"
grep -q '^== verification: CLEAN' "$WORK/load.out" || fail "no CLEAN verdict: $(tail -n 30 "$WORK/load.out")"
grep -q '50 of 50 connections open' "$WORK/load.out" || fail "the harness did not open its 50 connections: $(head -n 5 "$WORK/load.out")"
passed=$(grep -c '^   pass ' "$WORK/load.out" || true)
[[ $passed -ge 5 ]] || fail "only $passed verifier checks passed: $(grep -E '^   (pass|FAIL|skip) ' "$WORK/load.out")"
# The harness's show is in PostgreSQL with confirmed orders (more than the one sold by curl above).
confirmed=$(psql "${PG_URL%/*}/$DB" -tAc "SELECT count(*) FROM orders WHERE status = 'CONFIRMED'")
[[ $confirmed -gt 1 ]] || fail "PostgreSQL has $confirmed confirmed orders after the harness's sale"
log "boxoffice-load in the image: CLEAN, $passed checks passed, $((confirmed - 1)) orders confirmed ($((SECONDS - load_start)) s)"

# 6. SIGTERM, as ECS sends it: readiness must fail during the grace (the ALB stops routing), then
# the process drains and exits 0 by itself.
podman kill --signal TERM "$NAME" >/dev/null
draining=""
for _ in $(seq 1 40); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/readyz" || true)
  [[ $code == 503 ]] && draining=1 && break
  sleep 0.05
done
[[ -n $draining ]] || fail "/readyz did not turn 503 after SIGTERM (last $code)"
rc=$(timeout 30 podman wait "$NAME") || fail "the service did not exit within 30 s of SIGTERM"
[[ $rc == 0 ]] || fail "the service exited $rc after SIGTERM: $(podman logs "$NAME" 2>&1 | tail -n 20)"
podman logs "$NAME" >"$WORK/serve.log" 2>&1 # to a file: `| grep -q` would SIGPIPE podman under pipefail
grep -q '"signal received"' "$WORK/serve.log" || fail "the service's log does not show the SIGTERM: $(tail -n 5 "$WORK/serve.log")"
log "SIGTERM: /readyz 503 during the grace, exit code 0"

size=$(podman image inspect --format '{{.Size}}' "$IMAGE")
log "PASS ($IMAGE, $(((size + 500000) / 1000000)) MB)"
