# Sourced by the chart's test scripts: paths, the pinned tools, and a renderer.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CHART=$ROOT/helm/boxoffice
for tool in yq jq yamllint node; do
  command -v $tool >/dev/null || { echo "helm tests: $tool is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
done
TOOLS=$("$ROOT/helm/tests/tools.sh")
HELM=$TOOLS/bin/helm
# The floor of Chart.yaml's kubeVersion, and a recent release.
KUBE_FLOOR=1.30.0
KUBE_VERSIONS="$KUBE_FLOOR 1.34.0"
# The monitoring CRDs are present (as with kube-prometheus-stack).
API_VERSIONS=(--api-versions monitoring.coreos.com/v1/ServiceMonitor --api-versions monitoring.coreos.com/v1/PrometheusRule)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# render [helm template flags...] -> rendered YAML on stdout (release "rel", namespace "tickets")
render() {
  "$HELM" template rel "$CHART" --namespace tickets --kube-version "$KUBE_FLOOR" "${API_VERSIONS[@]}" "$@"
}
# objects FILE.yaml -> one JSON object per line, empty documents dropped
objects() { yq -c 'select(. != null)' "$1"; }

# Every values set CI renders: the defaults and each ci/*-values.yaml.
values_sets() {
  echo default
  for f in "$CHART"/ci/*-values.yaml; do basename "$f" -values.yaml; done
}
values_flags() {  # values_flags SET -> helm flags
  [ "$1" = default ] || echo "-f $CHART/ci/$1-values.yaml"
}

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok   $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
