#!/usr/bin/env bash
# helm lint --strict with the default values and with every ci/*-values.yaml.
source "$(dirname "$0")/common.sh"
for set in $(values_sets); do
  # shellcheck disable=SC2046
  if out=$("$HELM" lint --strict "$CHART" --kube-version "$KUBE_FLOOR" $(values_flags "$set") 2>&1); then
    pass "helm lint --strict ($set)"
  else
    echo "$out"; fail "helm lint --strict ($set)"
  fi
done
# The chart refuses clusters below its kubeVersion.
if "$HELM" template rel "$CHART" --kube-version 1.29.0 >/dev/null 2>&1; then
  fail "kubeVersion: a 1.29 cluster is refused"
else
  pass "kubeVersion: a 1.29 cluster is refused"
fi
# The packaged chart carries the monitoring files (copied from dashboards/ by helm/sync-files.sh)
# and renders the same rule groups as the repository's; ci/ is left out of the package.
if "$HELM" package "$CHART" -d "$WORK" > /dev/null; then
  pkg=$(ls "$WORK"/boxoffice-*.tgz)
  tar -tzf "$pkg" > "$WORK/package-files"
  "$HELM" template rel "$pkg" --kube-version "$KUBE_FLOOR" -f "$CHART/ci/minimal-values.yaml" --set prometheusRule.enabled=true \
    --show-only templates/prometheusrule.yaml | yq -S .spec.groups > "$WORK/packaged-groups.json"
  yq -S -s '[.[].groups[]]' "$ROOT"/dashboards/prometheus/*.yaml > "$WORK/repo-groups.json"
  if grep -qx 'boxoffice/files/prometheus/rules.yaml' "$WORK/package-files" && grep -qx 'boxoffice/files/grafana/flash-sale.json' "$WORK/package-files" &&
     ! grep -q '^boxoffice/ci/' "$WORK/package-files" && cmp -s "$WORK/packaged-groups.json" "$WORK/repo-groups.json"; then
    pass "helm package: $(basename "$pkg") holds files/ (not ci/) and renders the groups of dashboards/prometheus"
  else
    fail "helm package: $(basename "$pkg") holds files/ (not ci/) and renders the groups of dashboards/prometheus"
  fi
else
  fail "helm package"
fi
finish
