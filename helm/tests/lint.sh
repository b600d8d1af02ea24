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
finish
