#!/usr/bin/env bash
# helm template of every values set at every Kubernetes version of KUBE_VERSIONS; the output passes
# yamllint and validate.mjs (schemas of each apiVersion/kind, unknown fields at Kubernetes 1.30,
# the prometheus-operator CRD schemas, names and labels). One yamllint and one node run for all.
source "$(dirname "$0")/common.sh"
rendered=()
for set in $(values_sets); do
  for kv in $KUBE_VERSIONS; do
    out=$WORK/$set@$kv.yaml
    # shellcheck disable=SC2046
    if "$HELM" template rel "$CHART" --namespace tickets --kube-version "$kv" "${API_VERSIONS[@]}" \
        $(values_flags "$set") > "$out" 2> "$WORK/err"; then
      pass "helm template ($set, Kubernetes $kv)"
      objects "$out" > "${out%.yaml}.jsonl"
      rendered+=("$set@$kv")
    else
      cat "$WORK/err"; fail "helm template ($set, Kubernetes $kv)"
    fi
  done
done
yamllint -f parsable -c "$ROOT/helm/tests/yamllint.yaml" "$WORK"/*.yaml > "$WORK/lint" || true
node "$ROOT/helm/tests/validate.mjs" "$TOOLS" "$WORK"/*.jsonl > "$WORK/validate" 2>&1 || true
for r in "${rendered[@]}"; do
  set=${r%@*} kv=${r#*@}
  if grep -qF "$WORK/$r.yaml:" "$WORK/lint"; then
    grep -F "$WORK/$r.yaml:" "$WORK/lint"; fail "yamllint ($set, Kubernetes $kv)"
  else
    pass "yamllint ($set, Kubernetes $kv)"
  fi
  verdict=$(grep -E "^(ok  |FAIL) $r.jsonl:" "$WORK/validate" || true)
  if [[ $verdict == "ok  "* ]]; then
    pass "schemas, unknown fields, CRDs: ${verdict#*: } ($set, Kubernetes $kv)"
  else
    # The file's problems are the indented lines just before its verdict.
    awk -v v="$r.jsonl:" '/^  /{buf = buf $0 "\n"; next} index($0, v) {printf "%s", buf} {buf = ""}' "$WORK/validate"
    [ -n "$verdict" ] || cat "$WORK/validate"
    fail "schemas, unknown fields, CRDs ($set, Kubernetes $kv)"
  fi
done
finish
