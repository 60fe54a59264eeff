#!/usr/bin/env bash
# A chartd cluster on this machine, as deployed (docs/deploy.md): redis-server, N chartd
# replicas and nginx in front (deploy/nginx.conf), all on 127.0.0.1, on free ports, unprivileged,
# logs and state in one folder.
#
#   scripts/cluster.sh up [N]        start N replicas (default 3); prints the front URL
#   scripts/cluster.sh down          stop everything this folder started, remove nothing
#   scripts/cluster.sh redis-stop    stop Redis only (the replicas degrade to in-process state)
#   scripts/cluster.sh redis-start   start it again on the same port
#   scripts/cluster.sh status        the folder's cluster.env
#
# The folder is $CHARTD_CLUSTER_DIR, else a new temp folder for `up` (its path is remembered in
# ${TMPDIR:-/tmp}/chartd-cluster.last for the other commands). Settings in the environment
# (CHARTD_RATE_LIMIT, CHARTD_WORKERS, ...) reach every replica; CHARTD_BIN names the binary
# (default build/chartd). cluster.env holds FRONT_URL, REDIS_PORT, REDIS_PID, NGINX_PID and,
# per replica i (1..N), REPLICA_i_PORT and REPLICA_i_PID.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LAST="${TMPDIR:-/tmp}/chartd-cluster.last"
BIN="${CHARTD_BIN:-$ROOT/build/chartd}"

die() { echo "cluster.sh: $*" >&2; exit 1; }

free_port() { # a port nobody listens on now (the kernel's pick)
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

wait_http() { # wait_http URL SECONDS: until it answers 200
  local url=$1 deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null --max-time 1 "$url" 2>/dev/null; do
    [ $SECONDS -lt "$deadline" ] || return 1
    sleep 0.1
  done
}

folder() {
  local dir=${CHARTD_CLUSTER_DIR:-}
  [ -n "$dir" ] || { [ -f "$LAST" ] && dir=$(cat "$LAST"); }
  [ -n "$dir" ] && [ -f "$dir/cluster.env" ] || die "no cluster folder (set CHARTD_CLUSTER_DIR or run: $0 up)"
  echo "$dir"
}

redis_start() { # redis_start DIR PORT: no persistence, loopback only; prints its pid
  # DEBUG SLEEP (a slow Redis, tests/e2e/test_cluster.py) from loopback only. At maxmemory,
  # volatile-ttl drops the entries closest to expiry first: cached charts (an hour) before
  # sessions (a day), as docs/deploy.md advises.
  redis-server --port "$2" --bind 127.0.0.1 --save '' --appendonly no --dir "$1" --enable-debug-command local \
    --maxmemory 256mb --maxmemory-policy volatile-ttl \
    --logfile "$1/redis.log" --daemonize no >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 100); do
    redis-cli -p "$2" ping >/dev/null 2>&1 && { echo "$pid"; return 0; }
    sleep 0.05
  done
  die "redis-server did not start on port $2 (see $1/redis.log)"
}

set_var() { # set_var DIR NAME VALUE: replaces NAME's line in cluster.env
  sed -i "/^$2=/d" "$1/cluster.env"
  echo "$2=$3" >>"$1/cluster.env"
}

up() {
  local n=${1:-3}
  [[ "$n" =~ ^[1-9][0-9]?$ ]] || die "up N: N must be 1-99, not '$n'"
  [ -x "$BIN" ] || die "no chartd binary at $BIN (build it, or set CHARTD_BIN)"
  for cmd in redis-server redis-cli nginx curl python3; do
    command -v "$cmd" >/dev/null || die "$cmd not found; run scripts/setup.sh"
  done
  local dir=${CHARTD_CLUSTER_DIR:-}
  [ -n "$dir" ] || dir=$(mktemp -d "${TMPDIR:-/tmp}/chartd-cluster.XXXXXX")
  mkdir -p "$dir"
  echo "$dir" >"$LAST"
  : >"$dir/cluster.env"

  local redis_port
  redis_port=$(free_port)
  set_var "$dir" REDIS_PORT "$redis_port"
  set_var "$dir" REDIS_PID "$(redis_start "$dir" "$redis_port")"

  local servers="" i
  for i in $(seq "$n"); do
    local port
    port=$(free_port)
    # Each replica: its own port and log, the shared Redis, no hot reload (as in production).
    PORT=$port CHARTD_BIND=127.0.0.1 REDIS_URL="redis://127.0.0.1:$redis_port/0" CHARTD_RELOAD=false \
      CHARTD_HOME="$ROOT" "$BIN" serve >"$dir/replica-$i.log" 2>&1 &
    set_var "$dir" "REPLICA_${i}_PORT" "$port"
    set_var "$dir" "REPLICA_${i}_PID" "$!"
    servers+="        server 127.0.0.1:$port max_fails=1 fail_timeout=5s;\n"
  done
  for i in $(seq "$n"); do
    local port
    port=$(grep "^REPLICA_${i}_PORT=" "$dir/cluster.env" | cut -d= -f2)
    wait_http "http://127.0.0.1:$port/readyz" 60 || die "replica $i did not become ready (see $dir/replica-$i.log)"
  done

  # deploy/nginx.conf with the replicas and a loopback listen address filled in.
  local front
  front=$(free_port)
  sed -e "s|^ *server chartd:8080.*# cluster.sh: replicas|${servers%\\n}|" \
      -e "s|listen 8080; # cluster.sh: listen|listen 127.0.0.1:$front;|" \
      "$ROOT/deploy/nginx.conf" >"$dir/nginx.conf"
  grep -q "127.0.0.1:$front" "$dir/nginx.conf" || die "deploy/nginx.conf lost its 'cluster.sh:' markers"
  nginx -p "$dir" -c "$dir/nginx.conf" -g 'daemon off;' >"$dir/nginx.log" 2>&1 &
  set_var "$dir" NGINX_PID "$!"
  set_var "$dir" FRONT_URL "http://127.0.0.1:$front"
  set_var "$dir" REPLICAS "$n"
  wait_http "http://127.0.0.1:$front/readyz" 10 || die "nginx did not start (see $dir/nginx.log)"
  echo "front: http://127.0.0.1:$front  (ws://127.0.0.1:$front/)"
  echo "dir: $dir"
}

stop_pid() { # stop_pid PID: TERM, then KILL after 10 s
  local pid=$1
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

down() {
  local dir
  dir=$(folder)
  # shellcheck disable=SC1091
  source "$dir/cluster.env"
  [ -z "${NGINX_PID:-}" ] || stop_pid "$NGINX_PID"
  for i in $(seq "${REPLICAS:-0}"); do
    local var="REPLICA_${i}_PID"
    [ -z "${!var:-}" ] || stop_pid "${!var}"
  done
  [ -z "${REDIS_PID:-}" ] || stop_pid "$REDIS_PID"
  echo "stopped; logs in $dir"
}

case "${1:-}" in
  up) up "${2:-3}" ;;
  down) down ;;
  redis-stop)
    dir=$(folder)
    stop_pid "$(grep '^REDIS_PID=' "$dir/cluster.env" | cut -d= -f2)"
    ;;
  redis-start)
    dir=$(folder)
    port=$(grep '^REDIS_PORT=' "$dir/cluster.env" | cut -d= -f2)
    set_var "$dir" REDIS_PID "$(redis_start "$dir" "$port")"
    ;;
  status) cat "$(folder)/cluster.env" ;;
  *) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
