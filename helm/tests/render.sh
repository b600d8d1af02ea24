#!/usr/bin/env bash
# helm template of every values set at every Kubernetes version of KUBE_VERSIONS; the output passes
# yamllint and validate.mjs (schemas of each apiVersion/kind, unknown fields at Kubernetes 1.30,
# the prometheus-operator CRD schemas, names and labels).
source "$(dirname "$0")/common.sh"
for set in $(values_sets); do
  for kv in $KUBE_VERSIONS; do
    out=$WORK/$set-$kv.yaml
    # shellcheck disable=SC2046
    if ! "$HELM" template rel "$CHART" --namespace tickets --kube-version "$kv" "${API_VERSIONS[@]}" \
        $(values_flags "$set") > "$out" 2> "$WORK/err"; then
      cat "$WORK/err"; fail "helm template ($set, Kubernetes $kv)"; continue
    fi
    if yamllint -f parsable -c "$ROOT/helm/tests/yamllint.yaml" "$out" > "$WORK/lint"; then
      pass "yamllint ($set, Kubernetes $kv)"
    else
      cat "$WORK/lint"; fail "yamllint ($set, Kubernetes $kv)"
    fi
    objects "$out" > "$WORK/$set-$kv.jsonl"
    if node "$ROOT/helm/tests/validate.mjs" "$TOOLS" "$WORK/$set-$kv.jsonl" > "$WORK/validate" 2>&1; then
      pass "schemas, unknown fields, CRDs: $(tail -1 "$WORK/validate" | sed 's/^ok *[^:]*: //') ($set, Kubernetes $kv)"
    else
      cat "$WORK/validate"; fail "schemas, unknown fields, CRDs ($set, Kubernetes $kv)"
    fi
  done
done
finish
