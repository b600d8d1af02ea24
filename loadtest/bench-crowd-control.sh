#!/usr/bin/env bash
# Issue 16's sale, side by side in one run: a 20,000-seat show, 100,000 users arriving in the first
# second (--preset stress: 1-4 seats each, persistent buyers, no think time), on real PostgreSQL +
# Redis, each sale on a fresh stack (loadtest/bench-flash-sale.sh):
#   A. today's behaviour: no waiting room, every user picks from the seat availability it read;
#   B. crowd control: the waiting room on (--waiting-room rate:$ADMIT_RATE; everyone queues before the
#      opening and is shuffled), every user asks the server for the best available adjacent seats.
# Then one table: sell-out time (every seat confirmed), no seat available, hold attempts and the
# share that were conflicts, hold p50/p99, bookings/s, time in queue, the service's peak RSS, and
# the verification. Alternate the order with ORDER=BA.
#   loadtest/bench-crowd-control.sh [users] [seats]      (nothing else running on the box)
set -euo pipefail
cd "$(dirname "$0")/.."
USERS=${1:-100000} SEATS=${2:-20000} ADMIT_RATE=${ADMIT_RATE:-2000} ORDER=${ORDER:-AB}
OUT=${BENCH_OUT:-$(mktemp -d)}
mkdir -p "$OUT"
sale() { # NAME FLAGS...
  local name=$1
  shift
  mkdir -p "$OUT/$name"
  echo "== sale $name: $*" >&2
  BENCH_OUT=$OUT/$name loadtest/bench-flash-sale.sh "$USERS" "$SEATS" "$@" >"$OUT/$name/bench.txt" 2>&1 || true
  tail -3 "$OUT/$name/bench.txt" >&2
}
for step in $(grep -o . <<<"$ORDER"); do
  case $step in
    A) sale today ;;
    B) sale crowd --waiting-room "rate:$ADMIT_RATE" --choice best-available ;;
  esac
done
row() { # NAME
  local r=$OUT/$1/sale.json
  [ -f "$r" ] || { printf '%-7s (no report: see %s)\n' "$1" "$OUT/$1/bench.txt"; return; }
  jq -r --arg name "$1" '
    (.endpoints.hold.latency // {}) as $h |
    ((.counts.holds // 0) + (.counts.conflicts // 0)) as $attempts |
    [$name,
     (.soldOutSeconds // "never" | tostring),
     (.noSeatAvailableSeconds // "never" | tostring),
     ($h.count // 0 | tostring),
     (if $attempts > 0 then ((.counts.conflicts // 0) / $attempts * 1000 | round / 10 | tostring) + " %" else "-" end),
     (($h.p50Ms // "-" | tostring) + " / " + ($h.p99Ms // "-" | tostring) + " ms"),
     ((.counts.confirmedOrders / .seconds | round) | tostring),
     (if .waitingRoom then ((.waitingRoom.timeInQueue.p50Ms / 1000 * 10 | round / 10 | tostring) + " / " + (.waitingRoom.timeInQueue.p99Ms / 1000 * 10 | round / 10 | tostring) + " s") else "-" end),
     ((.service.peakRssMiBSinceStart // 0 | round | tostring) + " MiB"),
     (if .verification.ok then "CLEAN" else "VIOLATIONS" end)] | @tsv' "$r"
}
{
  printf 'sale\tsold out (s)\tnone available (s)\thold answers\tconflicts\thold p50 / p99\tbookings/s\tqueue p50 / p99\tpeak RSS\tverification\n'
  row today
  row crowd
} | column -t -s $'\t'
echo "reports: $OUT/{today,crowd}/sale.json, bench.txt"
