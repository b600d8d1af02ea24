#!/usr/bin/env bash
# boxoffice-load over HTTPS (ctest `flash_sale.tls`, labels integration and tls): a real TLS endpoint,
# stunnel (Debian's stunnel4, OpenSSL) terminating TLS on loopback in front of a running boxoffice
# (embedded SQLite), with a private CA and server certificates made here by `openssl req`. Asserts:
#   1. a verified sale over https:// with --ca-file exits 0 with a CLEAN verification, and the
#      crowd's connections really went through the TLS endpoint (stunnel's log counts them);
#   2. without the CA (the system store does not trust it) it exits 2 with a certificate error;
#   3. --insecure exits 0 (CLEAN) and prints its warning;
#   4. a certificate for another host name (signed by the trusted CA) exits 2: hostname mismatch.
# The sale is the helm test's tiny one (`--preset ci`, 25 seats, 100 users).
#   loadtest/tls-flash-sale.sh [BOXOFFICE_BIN] [BOXOFFICE_LOAD_BIN]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-${BUILD_DIR:-build}/service/boxoffice}
LOAD=${2:-${BUILD_DIR:-build}/loadtest/boxoffice-load}
for tool in stunnel4 openssl curl python3; do
  command -v "$tool" >/dev/null || {
    echo "tls-flash-sale: $tool not found (scripts/install-deps.sh installs it)"
    exit 1
  }
done
WORK=$(mktemp -d)
SERVER_PID= TUNNEL_PID=
cleanup() {
  [[ -n $TUNNEL_PID ]] && { kill "$TUNNEL_PID" 2>/dev/null; wait "$TUNNEL_PID" 2>/dev/null || true; }
  [[ -n $SERVER_PID ]] && { kill "$SERVER_PID" 2>/dev/null; wait "$SERVER_PID" 2>/dev/null || true; }
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 143' TERM INT
fail() {
  echo "tls-flash-sale: FAIL: $*"
  exit 1
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# A private CA, and two server certificates it signs: one for localhost, one for another name.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj '/CN=boxoffice test CA' \
  -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign' \
  -keyout "$WORK/ca.key" -out "$WORK/ca.crt" 2>/dev/null
for name in localhost other.example; do
  openssl req -newkey rsa:2048 -nodes -subj "/CN=$name" -keyout "$WORK/$name.key" -out "$WORK/$name.csr" 2>/dev/null
  openssl x509 -req -in "$WORK/$name.csr" -CA "$WORK/ca.crt" -CAkey "$WORK/ca.key" -CAcreateserial -days 2 \
    -extfile <(printf 'subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth\n' "$name") -out "$WORK/$name.crt" 2>/dev/null
done

PORT=$(free_port) MPORT=$(free_port)
export BOXOFFICE_SQLITE_PATH=$WORK/tls.db BOXOFFICE_JWT_SECRET=tls-flash-sale-secret-0123456789-abcdef
# The buyers pay through the dev provider (the service and the harness both read this secret).
export BOXOFFICE_PAYMENTS_DEV_WEBHOOK_SECRET=whsec_tls_flash_sale_0123456789abcdef
export BOXOFFICE_LOG_LEVEL=warn BOXOFFICE_ACCESS_LOG_SAMPLE=0
BOXOFFICE_PORT=$PORT BOXOFFICE_LISTEN_ADDRESS=127.0.0.1 BOXOFFICE_METRICS_PORT=$MPORT BOXOFFICE_METRICS_ADDRESS=127.0.0.1 \
  "$BIN" serve 2>"$WORK/serve.log" &
SERVER_PID=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null || fail "boxoffice did not become ready: $(tail -5 "$WORK/serve.log")"

# stunnel: [good] presents the localhost certificate, [wrong] the other.example one; both forward
# to the service over plain HTTP, as an ALB does.
GOOD=$(free_port) WRONG=$(free_port)
cat >"$WORK/stunnel.conf" <<EOF
foreground = yes
pid =
debug = info
[good]
accept = 127.0.0.1:$GOOD
connect = 127.0.0.1:$PORT
cert = $WORK/localhost.crt
key = $WORK/localhost.key
[wrong]
accept = 127.0.0.1:$WRONG
connect = 127.0.0.1:$PORT
cert = $WORK/other.example.crt
key = $WORK/other.example.key
EOF
stunnel4 "$WORK/stunnel.conf" 2>"$WORK/stunnel.log" &
TUNNEL_PID=$!
for _ in $(seq 100); do curl -sf --cacert "$WORK/ca.crt" "https://localhost:$GOOD/readyz" >/dev/null && break; sleep 0.1; done
curl -sf --cacert "$WORK/ca.crt" "https://localhost:$GOOD/readyz" >/dev/null ||
  fail "stunnel does not serve https://localhost:$GOOD: $(tail -5 "$WORK/stunnel.log")"

SALE=(--preset ci --seats 25 --users 100 --connections 50 --threads 1 --expiry-wait 0s --quiet
  --metrics "http://127.0.0.1:$MPORT/metrics")
run() { # NAME ARGS... -> exit code in $rc, output in $WORK/NAME.out
  local name=$1
  shift
  rc=0
  "$LOAD" "$@" >"$WORK/$name.out" 2>&1 || rc=$?
}
show() { sed 's/^/    /' "$WORK/$1.out" | tail -n 25; }
accepted() { grep -c 'Service \[good\] accepted connection' "$WORK/stunnel.log" || true; }

echo "--- 1. https:// with --ca-file: a verified sale"
before=$(accepted)
start=$SECONDS
run verified "${SALE[@]}" --base "https://localhost:$GOOD" --ca-file "$WORK/ca.crt"
[[ $rc == 0 ]] || { show verified; fail "the verified sale over https exited $rc"; }
grep -q '^== verification: CLEAN' "$WORK/verified.out" || { show verified; fail "no CLEAN verification"; }
grep -q 'connections open (TLS, verified)' "$WORK/verified.out" || { show verified; fail "the crowd did not say TLS, verified"; }
grep -q '50 of 50 connections open' "$WORK/verified.out" || { show verified; fail "not every TLS connection opened"; }
through=$(($(accepted) - before))
# 50 crowd connections, plus the set-up and verifier requests.
[[ $through -ge 50 ]] || fail "only $through connections went through the TLS endpoint"
grep -E '^(== verification|   (pass|FAIL|skip) )' "$WORK/verified.out" | sed -n 1,4p
echo "    $through connections through stunnel; $((SECONDS - start)) s"

echo "--- 2. https:// without the CA: refused with a certificate error, exit 2"
run untrusted "${SALE[@]}" --base "https://localhost:$GOOD"
[[ $rc == 2 ]] || { show untrusted; fail "without the CA the harness exited $rc, not 2"; }
grep -q 'certificate verify failed' "$WORK/untrusted.out" || { show untrusted; fail "no certificate error"; }
grep -m1 'certificate verify failed' "$WORK/untrusted.out"

echo "--- 3. --insecure: the same sale, not verified, with a warning"
run insecure "${SALE[@]}" --base "https://localhost:$GOOD" --insecure
[[ $rc == 0 ]] || { show insecure; fail "--insecure exited $rc"; }
grep -q '^== verification: CLEAN' "$WORK/insecure.out" || { show insecure; fail "no CLEAN verification with --insecure"; }
grep -q 'warning: --insecure' "$WORK/insecure.out" || { show insecure; fail "--insecure printed no warning"; }
grep -q 'connections open (TLS, NOT verified)' "$WORK/insecure.out" || { show insecure; fail "no 'TLS, NOT verified'"; }
grep -m1 'warning: --insecure' "$WORK/insecure.out"

echo "--- 4. a certificate for another host name: hostname mismatch, exit 2"
run mismatch "${SALE[@]}" --base "https://localhost:$WRONG" --ca-file "$WORK/ca.crt"
[[ $rc == 2 ]] || { show mismatch; fail "a wrong host name exited $rc, not 2"; }
grep -q 'certificate verify failed: hostname mismatch' "$WORK/mismatch.out" || { show mismatch; fail "no hostname mismatch"; }
grep -m1 'hostname mismatch' "$WORK/mismatch.out"

echo "tls-flash-sale: 4 passed, 0 failed"
