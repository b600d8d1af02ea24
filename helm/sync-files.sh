#!/usr/bin/env bash
# Packages the repository's monitoring into the chart, which can only read files inside itself:
#   dashboards/prometheus/*.yaml -> helm/boxoffice/files/prometheus/   (the PrometheusRule's groups)
#   dashboards/grafana/*.json    -> helm/boxoffice/files/grafana/      (the dashboard ConfigMaps)
# Run it after dashboards/tools/generate.py; never edit the copies. `--check` changes nothing and
# fails when a copy differs from its source, or is missing, or has no source any more (a ctest).
set -euo pipefail
cd "$(dirname "$0")/.."
CHECK=0
[ "${1:-}" = "--check" ] && CHECK=1
status=0
sync_dir() {  # sync_dir SOURCE_DIR PATTERN TARGET_DIR
  local src=$1 pattern=$2 dst=$3 f name
  [ $CHECK -eq 1 ] || mkdir -p "$dst"
  for f in "$src"/$pattern; do
    [ -e "$f" ] || { echo "sync-files: no $src/$pattern" >&2; status=1; continue; }
    name=$(basename "$f")
    if [ $CHECK -eq 1 ]; then
      if ! cmp -s "$f" "$dst/$name"; then
        echo "sync-files: $dst/$name differs from $f (run helm/sync-files.sh)" >&2
        status=1
      fi
    else
      cp "$f" "$dst/$name"
    fi
  done
  for f in "$dst"/$pattern; do
    [ -e "$f" ] || continue
    name=$(basename "$f")
    if [ ! -e "$src/$name" ]; then
      if [ $CHECK -eq 1 ]; then
        echo "sync-files: $f has no source $src/$name (run helm/sync-files.sh)" >&2
        status=1
      else
        rm "$f"
      fi
    fi
  done
}
sync_dir dashboards/prometheus '*.yaml' helm/boxoffice/files/prometheus
sync_dir dashboards/grafana '*.json' helm/boxoffice/files/grafana
if [ $CHECK -eq 1 ] && [ $status -eq 0 ]; then echo "sync-files: chart files equal dashboards/"; fi
exit $status
