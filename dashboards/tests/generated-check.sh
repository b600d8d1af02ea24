#!/usr/bin/env bash
# ctest dashboards.generated: what is committed under dashboards/ is exactly what
# dashboards/tools/generate.py writes (a hand edit of a generated file, or an edit of the generator
# without running it, fails here with the diff).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
/usr/bin/python3 tools/generate.py "$OUT"
status=0
for f in prometheus/rules.yaml prometheus/alerts.yaml tests/alerts_test.yaml grafana/service-overview.json \
  grafana/flash-sale.json grafana/dependencies.json; do
  if ! diff -u "$f" "$OUT/$f" >"$OUT/diff" 2>&1; then
    echo "dashboards/$f differs from dashboards/tools/generate.py's output (run it and commit):"
    sed -n 1,40p "$OUT/diff"
    status=1
  fi
done
[[ $status -eq 0 ]] && echo "dashboards: every generated file matches the generator"
exit $status
