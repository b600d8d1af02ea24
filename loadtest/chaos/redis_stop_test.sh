#!/usr/bin/env bash
# The redis-stop fault of faults.sh must bring Redis back with every write it acknowledged: the
# fault suite's checks for it expect no lost hold. (It used to SAVE, then SIGTERM a Redis whose
# config says save "": the writes between the two were lost, and holds granted in that gap came
# back as 404 for their orders.) A writer INCRs one counter as fast as it can through the stop;
# after the restore the counter must be at least the last value Redis answered.
#
#   loadtest/chaos/redis_stop_test.sh      # needs redis-server, redis-cli, python3
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=$(mktemp -d /tmp/boxoffice-redis-stop.XXXXXX)
writer=
cleanup() {
  if [[ -n $writer ]]; then kill "$writer" 2>/dev/null || true; fi
  local pid
  pid=$(cat "$WORK/redis.pid" 2>/dev/null || true)  # faults.sh rewrites it when it restarts Redis
  if [[ $pid =~ ^[0-9]+$ ]]; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$WORK/servers"
# The configuration scripts/test-servers.sh gives the suite's Redis: no persistence of its own.
cat >"$WORK/servers/redis.conf" <<CONF
bind 127.0.0.1
port $port
save ""
appendonly no
daemonize no
dir $WORK/servers
logfile $WORK/servers/redis.log
CONF
redis-server "$WORK/servers/redis.conf" </dev/null >/dev/null 2>&1 &
echo $! >"$WORK/redis.pid"
printf 'SERVERS=%s\nREDIS_PORT=%s\nREDIS_PID=%s\n' "$WORK/servers" "$port" "$(cat "$WORK/redis.pid")" >"$WORK/stack.env"
for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done

# One connection, one INCR at a time; the last answer is written when Redis goes away.
python3 - "$port" "$WORK/acked" <<'PY' &
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
f = s.makefile("rb")
last = 0
try:
    while True:
        s.sendall(b"INCR n\r\n")
        line = f.readline()
        if not line.startswith(b":"):
            break
        last = int(line[1:])
        if last == 1000:
            open(sys.argv[2] + ".flowing", "w").close()
except OSError:
    pass
open(sys.argv[2], "w").write(str(last))
PY
writer=$!
# The fault hits once the writer is in full flow (its thousandth answer).
for _ in $(seq 300); do [[ -e $WORK/acked.flowing ]] && break; sleep 0.05; done
[[ -e $WORK/acked.flowing ]] || { echo "redis_stop_test: the writer never got going" >&2; exit 2; }
CHAOS_FAULT_SECONDS=0 loadtest/chaos/faults.sh "$WORK" redis-stop >"$WORK/fault.log"
wait "$writer"
writer=
acked=$(cat "$WORK/acked")
back=$(redis-cli -p "$port" GET n)
echo "redis-stop: last INCR answered before the stop $acked, counter after the restore ${back:-none}"
if [[ -z $back || $acked -eq 0 || $back -lt $acked ]]; then
  echo "FAIL: Redis came back without writes it had answered" >&2
  exit 1
fi
echo "PASS"
