#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz (clang 14, ASan + UBSan, every report fatal) in their
# own build directory, then runs each for FUZZ_SECONDS (default 20), FUZZ_JOBS at a time (default 2),
# from its seeds in tests/fuzz/corpus/<target>/. Fails on any crash, failed check, leak, timeout,
# out-of-memory or sanitizer report and prints the reproducer. Nothing is written into the
# repository: new corpus entries and crash artifacts go to a temporary directory, kept on failure.
# Usage: scripts/fuzz.sh [TARGET...]        (default: every target)
#   FUZZ_BUILD_DIR (build-fuzz), FUZZ_SECONDS (20), FUZZ_JOBS (2), FUZZ_TIMEOUT (10 s per input),
#   FUZZ_RSS_MB (1024), FUZZ_KEEP=1 keeps the temporary directory even when everything passed.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
FUZZ_BUILD_DIR=${FUZZ_BUILD_DIR:-build-fuzz}
FUZZ_SECONDS=${FUZZ_SECONDS:-20}
FUZZ_JOBS=${FUZZ_JOBS:-2}
FUZZ_TIMEOUT=${FUZZ_TIMEOUT:-10}
FUZZ_RSS_MB=${FUZZ_RSS_MB:-1024}

for tool in clang++-14 cmake; do
  command -v "$tool" >/dev/null || { echo "fuzz: $tool not found (scripts/install-deps.sh installs clang-14 and libclang-rt-14-dev)" >&2; exit 1; }
done
if ! ls /usr/lib/llvm-14/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1; then
  echo "fuzz: the libFuzzer runtime is missing (Debian package libclang-rt-14-dev; scripts/install-deps.sh)" >&2
  exit 1
fi

t0=$(date +%s)
generator=()
command -v ninja >/dev/null && [ ! -f "$FUZZ_BUILD_DIR/Makefile" ] && generator=(-G Ninja)
# No CMAKE_BUILD_TYPE: the flags are the fuzz build's own (-O1, no NDEBUG), see tests/fuzz/CMakeLists.txt.
cmake -S tests/fuzz -B "$FUZZ_BUILD_DIR" "${generator[@]}" -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE= >/dev/null
cmake --build "$FUZZ_BUILD_DIR" --target fuzz_all --parallel "$(nproc)"
t1=$(date +%s)
echo "fuzz: build took $((t1 - t0)) s"

if [ $# -gt 0 ]; then targets=("$@"); else mapfile -t targets < "$FUZZ_BUILD_DIR/targets.txt"; fi

work=$(mktemp -d "${TMPDIR:-/tmp}/boxoffice-fuzz.XXXXXX")
# Leaks are reported at exit of each input batch; UBSan stacks help the reproducer.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

run_target() {
  local name=$1 dir=$work/$1
  mkdir -p "$dir/corpus" "$dir/artifacts"
  local seeds=$repo/tests/fuzz/corpus/$name
  [ -d "$seeds" ] || { echo "no seeds in $seeds" > "$dir/log"; echo 1 > "$dir/rc"; return; }
  local rc=0
  # The first corpus directory receives new inputs: the temporary one, never the repository's.
  "$FUZZ_BUILD_DIR/fuzz_$name" -max_total_time="$FUZZ_SECONDS" -timeout="$FUZZ_TIMEOUT" \
    -rss_limit_mb="$FUZZ_RSS_MB" -print_final_stats=1 -artifact_prefix="$dir/artifacts/" \
    "$dir/corpus" "$seeds" > "$dir/log" 2>&1 || rc=$?
  # A sanitizer report is a failure even if the process somehow exited 0.
  if grep -qE 'ERROR: (Address|Leak|Undefined)Sanitizer|runtime error:|FUZZ_CHECK failed' "$dir/log"; then
    [ "$rc" -ne 0 ] || rc=1
  fi
  echo "$rc" > "$dir/rc"
}

for name in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$FUZZ_JOBS" ]; do wait -n || true; done
  run_target "$name" &
done
wait

failed=0
printf '%-16s %10s %10s %8s  %s\n' target execs 'exec/s' 'new' result
for name in "${targets[@]}"; do
  dir=$work/$name
  rc=$(cat "$dir/rc" 2>/dev/null || echo 1)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/log" | tail -1)
  new=$(find "$dir/corpus" -type f | wc -l)
  if [ "$rc" -eq 0 ]; then
    printf '%-16s %10s %10s %8s  %s\n' "$name" "${execs:-?}" "${rate:-?}" "$new" ok
  else
    failed=1
    printf '%-16s %10s %10s %8s  %s\n' "$name" "${execs:-?}" "${rate:-?}" "$new" "FAILED (exit $rc)"
  fi
done

for name in "${targets[@]}"; do
  dir=$work/$name
  [ "$(cat "$dir/rc" 2>/dev/null || echo 1)" -eq 0 ] && continue
  echo
  echo "=== $name: last lines of $dir/log"
  tail -n 40 "$dir/log"
  for artifact in "$dir"/artifacts/*; do
    [ -e "$artifact" ] || continue
    echo "reproducer: $artifact"
    echo "  replay:   $FUZZ_BUILD_DIR/fuzz_$name $artifact"
    echo "  after the fix, keep it: cp $artifact tests/fuzz/corpus/$name/"
  done
done

t2=$(date +%s)
echo "fuzz: ${#targets[@]} targets x ${FUZZ_SECONDS} s, $FUZZ_JOBS at a time: runs $((t2 - t1)) s, build + runs $((t2 - t0)) s"
if [ "$failed" -ne 0 ]; then
  echo "fuzz: FAILED; logs, inputs and artifacts kept in $work" >&2
  exit 1
fi
if [ "${FUZZ_KEEP:-0}" = 1 ]; then echo "fuzz: kept $work"; else rm -rf "$work"; fi
echo "fuzz: all targets passed"
