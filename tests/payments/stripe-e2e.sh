#!/usr/bin/env bash
# The booking flow end to end with Stripe configured, as an operator runs it: the real
# `boxoffice serve` (embedded SQLite) with BOXOFFICE_PAYMENTS_PROVIDER=stripe against the local fake
# (boxoffice-fake-stripe), driven with curl, webhooks signed by Stripe's own npm library:
#   1. pay: a PaymentIntent for the order's exact amount; confirm-payment is refused; the signed
#      payment_intent.succeeded webhook confirms; a replay of it changes nothing;
#   2. a late payment whose seat was sold again meanwhile: refunded in full through Stripe;
#   3. a late payment whose seats are still free: re-seated, confirmed, no refund;
#   4. a refund the buyer asks for: through Stripe once, the same answer for a retry;
#   5. everything the service sent the fake checked against Stripe's published OpenAPI description.
#   tests/payments/stripe-e2e.sh BOXOFFICE_BIN FAKE_STRIPE_BIN      (ctest: stripe_e2e)
# Prints each step and what the service answered; exits 1 on the first unexpected answer.
set -euo pipefail
BIN=${1:?usage: stripe-e2e.sh BOXOFFICE_BIN FAKE_STRIPE_BIN}
FAKE=${2:?usage: stripe-e2e.sh BOXOFFICE_BIN FAKE_STRIPE_BIN}
HERE=$(cd "$(dirname "$0")" && pwd)
TOOLS=$("$HERE/tools.sh")
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  echo "--- service log (last 20 lines)" >&2
  tail -20 "$WORK/serve.log" >&2 || true
  exit 1
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
json() { python3 -c 'import json,sys; d=json.load(sys.stdin)
for k in sys.argv[1].split("."):
    d = d[int(k)] if isinstance(d, list) else d[k]
print(d if not isinstance(d, (dict, list)) else json.dumps(d))' "$1"; }

# The fake, and the service configured for Stripe with a 10 s payment window (long enough for
# node to sign a webhook on a loaded machine, short enough to wait out twice).
"$FAKE" --key sk_test_e2e --record "$WORK/stripe.json" >"$WORK/fake.url" 2>"$WORK/fake.log" &
FAKE_PID=$!
PIDS+=("$FAKE_PID")
for _ in $(seq 50); do [ -s "$WORK/fake.url" ] && break; sleep 0.1; done
STRIPE_URL=$(head -1 "$WORK/fake.url")
[ -n "$STRIPE_URL" ] || fail "the fake did not start: $(cat "$WORK/fake.log")"
WEBHOOK_SECRET=whsec_e2e_0123456789abcdef
export BOXOFFICE_SQLITE_PATH=$WORK/boxoffice.db BOXOFFICE_JWT_SECRET=e2e-jwt-secret-0123456789abcdef-0123456789
export BOXOFFICE_PORT=$(free_port) BOXOFFICE_METRICS_PORT=$(free_port) BOXOFFICE_LOG_LEVEL=warn
export BOXOFFICE_PAYMENTS_PROVIDER=stripe BOXOFFICE_STRIPE_API_BASE=$STRIPE_URL
export BOXOFFICE_STRIPE_SECRET_KEY=sk_test_e2e BOXOFFICE_STRIPE_WEBHOOK_SECRET=$WEBHOOK_SECRET
export BOXOFFICE_PAYMENT_WINDOW=10s BOXOFFICE_SWEEP_INTERVAL=200ms
SHOW=$("$BIN" seed --demo --seats 200 2>"$WORK/seed.log") || fail "seed: $(cat "$WORK/seed.log")"
"$BIN" serve >"$WORK/serve.log" 2>&1 &
PIDS+=("$!")
BASE=http://127.0.0.1:$BOXOFFICE_PORT
for _ in $(seq 100); do curl -sf "$BASE/readyz" >/dev/null && break; sleep 0.1; done
curl -sf "$BASE/readyz" >/dev/null || fail "boxoffice did not become ready"
ALICE=$("$BIN" token --user alice)
BOB=$("$BIN" token --user bob)
ADMIN=$("$BIN" token --user ops --role admin)
echo "service $BASE (Stripe at $STRIPE_URL), show $SHOW"

# call METHOD PATH TOKEN [BODY]: prints the body; the status is left in $WORK/status (calls run in
# command substitutions, whose variables do not reach the caller).
call() {
  curl -s -o "$WORK/body" -w '%{http_code}' -X "$1" "$BASE$2" -H "Authorization: Bearer $3" \
    -H 'Content-Type: application/json' -H "Idempotency-Key: e2e-$RANDOM-$RANDOM" ${4:+-d "$4"} >"$WORK/status"
  cat "$WORK/body"
}
expect() {
  local status
  status=$(cat "$WORK/status")
  [ "$status" = "$1" ] || fail "$2: HTTP $status, expected $1: $(cat "$WORK/body")"
}
orderFor() { # TOKEN SEAT... -> order id
  local token=$1 seats hold
  shift
  seats=$(printf '"%s",' "$@")
  hold=$(call POST /v1/holds "$token" "{\"showId\":\"$SHOW\",\"seatIds\":[${seats%,}]}")
  expect 201 "hold $*"
  call POST /v1/orders "$token" "{\"holdId\":\"$(json holdId <<<"$hold")\",\"customer\":{\"name\":\"E2E\",\"email\":\"e2e@example.com\",\"phone\":\"+33612345678\"}}" >/dev/null
  expect 201 "order $*"
  json orderId <"$WORK/body"
}
# webhook TYPE PAYMENT_ID ORDER_ID AMOUNT EVENT_ID: a Stripe event signed by Stripe's library.
webhook() {
  local status=requires_payment_method
  [ "$1" = payment_intent.succeeded ] && status=succeeded
  printf '{"id":"%s","object":"event","type":"%s","data":{"object":{"id":"%s","object":"payment_intent","amount":%s,"currency":"eur","metadata":{"order_id":"%s"},"status":"%s"}}}' \
    "$5" "$1" "$2" "$4" "$3" "$status" >"$WORK/event.json"
  local signature
  signature=$(node "$TOOLS/sign-webhook.mjs" "$WEBHOOK_SECRET" "$(date +%s)" "$WORK/event.json")
  curl -s -o "$WORK/body" -w '%{http_code}' -X POST "$BASE/v1/payments/stripe/webhook" \
    -H 'Content-Type: application/json' -H "Stripe-Signature: $signature" \
    --data-binary @"$WORK/event.json" >"$WORK/status"
  cat "$WORK/body"
}
orderStatus() { call GET "/v1/orders/$1" "$ALICE" | json status; }
waitForExpiry() { # ORDER_ID: past the 10 s window, the sweeper has expired it
  for _ in $(seq 150); do [ "$(orderStatus "$1")" = EXPIRED ] && return 0; sleep 0.2; done
  fail "order $1 did not expire"
}

echo "== 1. pay through Stripe: only the signed webhook confirms"
O1=$(orderFor "$ALICE" FLOOR1-A-1 FLOOR1-A-2)
P1=$(call POST "/v1/orders/$O1/payment" "$ALICE")
expect 201 "payment"
echo "payment: $P1"
PI1=$(json paymentId <<<"$P1")
AMOUNT1=$(json amount <<<"$P1")
[ "$(json provider <<<"$P1")" = stripe ] || fail "provider is not stripe: $P1"
[[ "$(json clientSecret <<<"$P1")" == "${PI1}_secret_"* ]] || fail "no client secret from Stripe: $P1"
echo "confirm-payment: $(call POST "/v1/orders/$O1/confirm-payment" "$ALICE" '{"paymentReference":"trust-me"}')"
expect 409 "confirm-payment with Stripe configured"
[ "$(json code <"$WORK/body")" = PAYMENT_CONFIRMED_BY_WEBHOOK ] || fail "confirm-payment: $(cat "$WORK/body")"
echo "webhook succeeded: $(webhook payment_intent.succeeded "$PI1" "$O1" "$AMOUNT1" evt_e2e_1)"
expect 200 "webhook"
[ "$(json outcome <"$WORK/body")" = confirmed ] || fail "outcome: $(cat "$WORK/body")"
echo "the same event again: $(webhook payment_intent.succeeded "$PI1" "$O1" "$AMOUNT1" evt_e2e_1)"
[ "$(json duplicate <"$WORK/body")" = True ] || fail "a replayed event was not recognised: $(cat "$WORK/body")"
[ "$(orderStatus "$O1")" = CONFIRMED ] || fail "order $O1 is not CONFIRMED"
TICKETS=$(call GET /v1/me/tickets "$ALICE" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')
[ "$TICKETS" = 2 ] || fail "alice has $TICKETS tickets, expected 2"
echo "order $O1 CONFIRMED with $TICKETS tickets"

echo "== 2. a late payment whose seat was sold again: refunded through Stripe"
O2=$(orderFor "$ALICE" FLOOR1-B-1)
P2=$(call POST "/v1/orders/$O2/payment" "$ALICE")
expect 201 "payment 2"
PI2=$(json paymentId <<<"$P2")
AMOUNT2=$(json amount <<<"$P2")
waitForExpiry "$O2"
call POST /v1/holds "$BOB" "{\"showId\":\"$SHOW\",\"seatIds\":[\"FLOOR1-B-1\"]}" >/dev/null
expect 201 "bob holds the seat alice's expired order had"
echo "webhook succeeded, late: $(webhook payment_intent.succeeded "$PI2" "$O2" "$AMOUNT2" evt_e2e_2)"
expect 200 "late webhook"
[ "$(json outcome <"$WORK/body")" = late_refunded ] || fail "outcome: $(cat "$WORK/body")"
R2=$(call GET "/v1/orders/$O2/payments" "$ADMIN")
expect 200 "payment records"
echo "records: $R2"
[[ "$(json refunds.0.refundId <<<"$R2")" == re_fake* ]] || fail "no Stripe refund recorded"
[ "$(json refunds.0.amount <<<"$R2")" = "$AMOUNT2" ] || fail "the refund is not the whole amount ($AMOUNT2)"
[ "$(orderStatus "$O2")" != CONFIRMED ] || fail "the late order was confirmed without its seat"

echo "== 3. a late payment whose seats are still free: re-seated"
O3=$(orderFor "$ALICE" FLOOR1-C-1 FLOOR1-C-2)
P3=$(call POST "/v1/orders/$O3/payment" "$ALICE")
PI3=$(json paymentId <<<"$P3")
AMOUNT3=$(json amount <<<"$P3")
waitForExpiry "$O3"
echo "webhook succeeded, late: $(webhook payment_intent.succeeded "$PI3" "$O3" "$AMOUNT3" evt_e2e_3)"
expect 200 "late webhook 3"
[ "$(json outcome <"$WORK/body")" = late_reseated ] || fail "outcome: $(cat "$WORK/body")"
[ "$(orderStatus "$O3")" = CONFIRMED ] || fail "order $O3 is not CONFIRMED"
R3=$(call GET "/v1/orders/$O3/payments" "$ADMIN")
[ "$(json refunds <<<"$R3")" = "[]" ] || fail "a re-seated order was refunded: $R3"
echo "order $O3 CONFIRMED again, no refund"

echo "== 4. the buyer refunds one seat: through Stripe once"
ASK='{"seatIds":["FLOOR1-A-2"]}'
REFUND=$(curl -s -X POST "$BASE/v1/orders/$O1/refund" -H "Authorization: Bearer $ALICE" \
  -H 'Content-Type: application/json' -H 'Idempotency-Key: e2e-refund-1' -d "$ASK")
echo "refund: $REFUND"
RID=$(json refund.refundId <<<"$REFUND")
[[ "$RID" == re_fake* ]] || fail "no Stripe refund id: $REFUND"
AGAIN=$(curl -s -X POST "$BASE/v1/orders/$O1/refund" -H "Authorization: Bearer $ALICE" \
  -H 'Content-Type: application/json' -H 'Idempotency-Key: e2e-refund-1' -d "$ASK")
[ "$(json refund.refundId <<<"$AGAIN")" = "$RID" ] || fail "a retried refund made another: $AGAIN"
SEAT=$(call GET "/v1/shows/$SHOW/seatmap" "$ALICE" | python3 -c 'import json,sys
print([s["status"] for s in json.load(sys.stdin)["seats"] if s["seatId"] == "FLOOR1-A-2"][0])')
[ "$SEAT" = AVAILABLE ] || fail "the refunded seat is $SEAT, not back on sale"
echo "seat FLOOR1-A-2 is on sale again"

echo "== 5. what the service sent Stripe, against Stripe's published OpenAPI description"
kill -TERM "$FAKE_PID"
wait "$FAKE_PID" || fail "the fake failed: $(cat "$WORK/fake.log")"
cat "$WORK/fake.log"
node "$TOOLS/check-stripe-api.mjs" "$WORK/stripe.json" || fail "the traffic does not match Stripe's API"
echo "stripe-e2e: passed"
