#!/usr/bin/env bash
# Throwaway PostgreSQL 15 + Redis (plain, and TLS+AUTH like ElastiCache) + moto_server (SQS, STS,
# IAM with SigV4 signature checking on) for integration tests.
#
#   scripts/test-servers.sh start DIR   # fresh servers on free loopback ports; writes DIR/env
#   scripts/test-servers.sh stop DIR    # stops exactly what `start DIR` recorded (idempotent)
#
# DIR/env holds KEY=VALUE lines (PG_URL, REDIS_URL, REDIS_TLS_URL, REDIS_TLS_CA, MOTO_URL and its
# IAM user's keys MOTO_ACCESS_KEY_ID / MOTO_SECRET_ACCESS_KEY, MOTO_ROLE_ARN, pids, ports);
# tests read it through BOXOFFICE_TEST_ENV. Nothing is ever stopped by process name.
set -euo pipefail

PG_BIN=${BOXOFFICE_PG_BIN:-/usr/lib/postgresql/15/bin}
WAIT_SECONDS=${BOXOFFICE_TEST_SERVERS_WAIT:-30}
MARKER=.boxoffice-test-servers   # only a directory carrying this file is ever deleted by `start`

log() { echo "test-servers: $*" >&2; }
die() { log "$*"; exit 1; }

usage() {
  echo "usage: $0 start DIR | stop DIR" >&2
  exit 2
}

# Reads KEY from DIR/state without sourcing it (the file is data, not code).
state_get() {
  local dir=$1 key=$2
  [[ -f $dir/state ]] || return 0
  sed -n "s/^${key}=//p" "$dir/state" | tail -n 1
}

state_put() {
  echo "$2=$3" >>"$1/state"
}

# Stops a redis-server we started, by PID, only if that PID is still a redis-server
# (a PID can be reused after a crash; never signal somebody else's process).
stop_redis_pid() {
  local pid=$1
  [[ $pid =~ ^[0-9]+$ ]] || return 0
  [[ -r /proc/$pid/cmdline ]] || return 0
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'redis-server' || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  local i
  for ((i = 0; i < 100; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  log "redis-server pid $pid ignored SIGTERM for 10 s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
}

# Stops a moto_server we started, by PID, only if that PID is still a moto_server.
stop_moto_pid() {
  local pid=$1
  [[ $pid =~ ^[0-9]+$ ]] || return 0
  [[ -r /proc/$pid/cmdline ]] || return 0
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q 'moto_server' || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  local i
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

stop_all() {
  local dir=$1
  [[ -d $dir ]] || return 0
  local pid
  pid=$(state_get "$dir" MOTO_PID)
  [[ -n $pid ]] && stop_moto_pid "$pid"
  for key in REDIS_TLS_PID REDIS_PID; do
    pid=$(state_get "$dir" "$key")
    [[ -n $pid ]] && stop_redis_pid "$pid"
  done
  local pgdata
  pgdata=$(state_get "$dir" PG_DATA)
  if [[ -n $pgdata && -f $pgdata/postmaster.pid ]]; then
    runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$pgdata" -m fast -w -t "$WAIT_SECONDS" stop >/dev/null 2>&1 ||
      log "pg_ctl stop failed for $pgdata (see $dir/pg.log)"
  fi
  return 0
}

tail_logs() {
  local dir=$1 f
  for f in "$dir"/pg.log "$dir"/redis.log "$dir"/redis-tls.log "$dir"/openssl.log "$dir"/moto.log; do
    if [[ -s $f ]]; then
      echo "----- last lines of $f -----" >&2
      tail -n 25 "$f" >&2
    fi
  done
}

# Polls "$@" until it succeeds or WAIT_SECONDS pass.
wait_for() {
  local what=$1
  shift
  local deadline=$((SECONDS + WAIT_SECONDS))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= deadline)); then
      log "$what did not answer within ${WAIT_SECONDS}s"
      return 1
    fi
    sleep 0.1
  done
}

# Three distinct free loopback ports: all sockets are held open until every port is known.
free_ports() {
  python3 - <<'EOF'
import socket
socks = []
for _ in range(3):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()
EOF
}

random_password() {
  python3 -c 'import secrets, string; a = string.ascii_letters + string.digits; print("".join(secrets.choice(a) for _ in range(20)))'
}

make_tls() {
  local tls=$1
  mkdir -p "$tls"
  {
    openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
      -keyout "$tls/ca.key" -out "$tls/ca.crt" -days 7 -subj "/CN=boxoffice test CA" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" &&
      openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
        -keyout "$tls/server.key" -out "$tls/server.csr" -subj "/CN=127.0.0.1" &&
      printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
        "extendedKeyUsage=serverAuth" "subjectAltName=IP:127.0.0.1,DNS:localhost" >"$tls/server.ext" &&
      openssl x509 -req -in "$tls/server.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" -CAcreateserial \
        -out "$tls/server.crt" -days 7 -extfile "$tls/server.ext"
  } >"$(dirname "$tls")/openssl.log" 2>&1
  chmod 600 "$tls/ca.key" "$tls/server.key"
}

start_all() {
  local dir=$1
  [[ -x $PG_BIN/initdb && -x $PG_BIN/pg_ctl ]] || die "PostgreSQL 15 binaries not found in $PG_BIN (apt-get install postgresql-15)"
  command -v redis-server >/dev/null || die "redis-server not found (apt-get install redis-server)"
  command -v redis-cli >/dev/null || die "redis-cli not found (apt-get install redis-tools)"
  command -v openssl >/dev/null || die "openssl not found"
  command -v python3 >/dev/null || die "python3 not found (needed to pick free ports)"
  command -v moto_server >/dev/null || die "moto_server not found (pip install 'moto[server]' 5.x; see TOOLING.md)"
  python3 -c 'import boto3' 2>/dev/null || die "python3 boto3 not found (needed to create moto's IAM user)"
  id postgres >/dev/null 2>&1 || die "no 'postgres' system user (initdb refuses to run as root)"
  # Debian builds redis with TLS; a build without it would only fail later with a vague log line.
  # grep reads all of ldd's output: `grep -q` would exit at the match, ldd would die of SIGPIPE and,
  # under pipefail, fail this check ~2% of the time.
  if ! ldd "$(readlink -f "$(command -v redis-server)")" 2>/dev/null | grep 'libssl' >/dev/null; then
    die "this redis-server was built without TLS support (need --tls-port); install Debian's redis-server"
  fi

  if [[ -e $dir ]]; then
    if [[ -f $dir/$MARKER ]]; then
      stop_all "$dir"
      rm -rf -- "$dir"
    elif [[ -d $dir && -z $(ls -A -- "$dir") ]]; then
      rmdir -- "$dir"
    else
      die "$dir exists and was not made by this script; refusing to delete it"
    fi
  fi
  mkdir -p -- "$dir"
  dir=$(cd -- "$dir" && pwd -P)
  touch "$dir/$MARKER"
  : >"$dir/state"
  mkdir -p "$dir/sock"
  chown -R postgres: "$dir"
  chown root: "$dir/state" "$dir/$MARKER"
  if ! runuser -u postgres -- test -w "$dir"; then
    die "user postgres cannot write $dir (a parent directory is not traversable); choose a DIR under /tmp"
  fi

  # From here on, anything that fails stops what already started.
  trap 'rc=$?; if ((rc != 0)); then log "start failed"; tail_logs "$dir"; stop_all "$dir"; fi' EXIT

  local pg_port redis_port tls_port
  read -r pg_port redis_port tls_port < <(free_ports)

  # PostgreSQL. Tests run without fsync (nothing here must survive a power cut, and it is faster);
  # BOXOFFICE_TEST_PG_DURABLE=1 keeps PostgreSQL's defaults (fsync, synchronous commit) for the
  # benchmarks' durable figures.
  local pg_durability="-c fsync=off"
  [[ ${BOXOFFICE_TEST_PG_DURABLE:-0} == 1 ]] && pg_durability=""
  state_put "$dir" PG_DATA "$dir/pg"
  runuser -u postgres -- "$PG_BIN/initdb" -D "$dir/pg" -U app --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 ||
    { tail -n 25 "$dir/initdb.log" >&2; die "initdb failed"; }
  runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$dir/pg" -l "$dir/pg.log" -w -t "$WAIT_SECONDS" \
    -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $dir/sock $pg_durability -c max_connections=200" \
    start >/dev/null || die "pg_ctl start failed"
  wait_for "PostgreSQL on 127.0.0.1:$pg_port" "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$pg_port" -U app -d postgres

  # Redis, plain
  cat >"$dir/redis.conf" <<EOF
bind 127.0.0.1
port $redis_port
save ""
appendonly no
daemonize no
dir $dir
logfile $dir/redis.log
EOF
  redis-server "$dir/redis.conf" </dev/null >>"$dir/redis.log" 2>&1 &
  state_put "$dir" REDIS_PID "$!"
  wait_for "redis on 127.0.0.1:$redis_port" redis-cli -h 127.0.0.1 -p "$redis_port" ping

  # Redis with TLS + AUTH, like ElastiCache with in-transit encryption. The password lives in a
  # 0600 config file rather than on the command line, where `ps` would show it.
  make_tls "$dir/tls" || die "could not create the test CA / server certificate"
  local password
  password=$(random_password)
  (
    umask 077
    cat >"$dir/redis-tls.conf" <<EOF
bind 127.0.0.1
port 0
tls-port $tls_port
tls-cert-file $dir/tls/server.crt
tls-key-file $dir/tls/server.key
tls-ca-cert-file $dir/tls/ca.crt
tls-auth-clients no
requirepass $password
save ""
appendonly no
daemonize no
dir $dir
logfile $dir/redis-tls.log
EOF
  )
  redis-server "$dir/redis-tls.conf" </dev/null >>"$dir/redis-tls.log" 2>&1 &
  state_put "$dir" REDIS_TLS_PID "$!"
  REDISCLI_AUTH=$password wait_for "TLS redis on 127.0.0.1:$tls_port" \
    redis-cli --tls --cacert "$dir/tls/ca.crt" -h 127.0.0.1 -p "$tls_port" ping
  # `ping` without AUTH must be refused, or the server is not the one we configured.
  if redis-cli --tls --cacert "$dir/tls/ca.crt" -h 127.0.0.1 -p "$tls_port" ping 2>/dev/null | grep -q PONG; then
    die "TLS redis answered without a password"
  fi

  # moto_server: the first three calls are unauthenticated (IAM user, its policy, its access key);
  # every call after them must carry a valid SigV4 signature of a known key.
  local moto_port
  read -r moto_port _ < <(free_ports)
  INITIAL_NO_AUTH_ACTION_COUNT=3 moto_server -H 127.0.0.1 -p "$moto_port" </dev/null >>"$dir/moto.log" 2>&1 &
  state_put "$dir" MOTO_PID "$!"
  wait_for "moto_server on 127.0.0.1:$moto_port" curl -sf -o /dev/null "http://127.0.0.1:$moto_port/moto-api/"
  local moto_keys
  moto_keys=$(python3 "$(dirname "$0")/moto-bootstrap.py" "http://127.0.0.1:$moto_port") ||
    die "could not create moto's IAM user (see $dir/moto.log)"
  local moto_key moto_secret moto_role
  read -r moto_key moto_secret moto_role <<<"$moto_keys"

  local env_tmp="$dir/env.tmp"
  (
    umask 077
    cat >"$env_tmp" <<EOF
DIR=$dir
PG_URL=postgresql://app@127.0.0.1:$pg_port/postgres
PG_PORT=$pg_port
PG_DATA=$dir/pg
REDIS_URL=redis://127.0.0.1:$redis_port
REDIS_PORT=$redis_port
REDIS_PID=$(state_get "$dir" REDIS_PID)
REDIS_TLS_URL=rediss://:$password@127.0.0.1:$tls_port
REDIS_TLS_PORT=$tls_port
REDIS_TLS_PID=$(state_get "$dir" REDIS_TLS_PID)
REDIS_TLS_PASSWORD=$password
REDIS_TLS_CA=$dir/tls/ca.crt
MOTO_URL=http://127.0.0.1:$moto_port
MOTO_PORT=$moto_port
MOTO_PID=$(state_get "$dir" MOTO_PID)
MOTO_ACCESS_KEY_ID=$moto_key
MOTO_SECRET_ACCESS_KEY=$moto_secret
MOTO_ROLE_ARN=$moto_role
EOF
  )
  mv "$env_tmp" "$dir/env"
  trap - EXIT
  log "servers up; environment in $dir/env"
}

[[ $# -eq 2 ]] || usage
cmd=$1
dir=$2
[[ -n $dir && $dir != / ]] || die "DIR must be a directory path other than /"
[[ $(id -u) -eq 0 ]] || die "must run as root (PostgreSQL is started as the postgres user via runuser)"

case $cmd in
  start) start_all "$dir" ;;
  stop)
    stop_all "$dir"
    log "stopped servers recorded in $dir"
    ;;
  *) usage ;;
esac
