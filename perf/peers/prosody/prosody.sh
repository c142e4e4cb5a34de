#!/usr/bin/env bash
# Prosody (Debian's package) as a benchmark peer on loopback, from a throw-away config: the system's Prosody, if any,
# is untouched. Usage:
#   prosody.sh install              apt-get install prosody (once)
#   prosody.sh accounts N [PREFIX]  write N accounts PREFIX1..PREFIXN (password "password") as internal_hashed data files
#   prosody.sh start                start on 127.0.0.1:$PORT (default 5262) in the background; prints the PID
#   prosody.sh stop                 stop the PID started here (SIGTERM, then SIGKILL after 10 s)
#   prosody.sh version
# Domain bench.example; work folder $PEERS_WORK/prosody (default /tmp/highperf-peers/prosody).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${PEERS_WORK:-/tmp/highperf-peers}/prosody
port=${PROSODY_PORT:-5262}
domain=${BENCH_DOMAIN:-bench.example}
mkdir -p "$work/data" "$work/certs"

config() {
  [ -f "$work/cert.pem" ] || openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=$domain" \
      -keyout "$work/key.pem" -out "$work/cert.pem" >/dev/null 2>&1
  cat > "$work/prosody.cfg.lua" <<CFG
run_as_root = true
pidfile = "$work/prosody.pid"
data_path = "$work/data"
certificates = "$work/certs"
log = { warn = "$work/prosody.log" }
interfaces = { "127.0.0.1" }
c2s_ports = { $port }
c2s_direct_tls_ports = { }
s2s_ports = { }
-- What a chat benchmark needs, as the other servers run it: roster, presence, ping, disco; nothing that stores
-- messages (no offline, no archive) so that "delivered" means the same everywhere.
modules_enabled = { "roster", "saslauth", "tls", "disco", "ping", "posix", "register" }
modules_disabled = { "offline", "s2s" }
authentication = "internal_hashed"
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
allow_registration = true
limits = { c2s = { rate = "100mb/s" } }
ssl = { certificate = "$work/cert.pem", key = "$work/key.pem" }
VirtualHost "$domain"
-- XEP-0045 for the muc scenario (compare.sh muc): rooms created by entering, no history replay asked by the loadgen.
Component "conference.$domain" "muc"
  restrict_room_creation = false
  max_history_messages = 20
CFG
}

case "${1:-}" in
  install)
    command -v prosody >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prosody >/dev/null
    ;;
  accounts)
    config
    n=${2:?N}; prefix=${3:-user}
    python3 "$here/prosody_accounts.py" "$work/data" "$domain" "$prefix" "$n" password
    ;;
  start)
    config
    if [ -f "$work/started.pid" ] && kill -0 "$(cat "$work/started.pid")" 2>/dev/null; then cat "$work/started.pid"; exit 0; fi
    ulimit -n "$(ulimit -Hn)"
    nohup prosody -F --config "$work/prosody.cfg.lua" >"$work/stdout.log" 2>&1 &
    pid=$!
    echo "$pid" > "$work/started.pid"
    for _ in $(seq 1 100); do
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { echo "$pid"; exit 0; }
      kill -0 "$pid" 2>/dev/null || { echo "prosody exited: $(tail -5 "$work/stdout.log" "$work/prosody.log" 2>/dev/null)" >&2; exit 1; }
      sleep 0.1
    done
    echo "prosody did not open port $port" >&2; exit 1
    ;;
  stop)
    [ -f "$work/started.pid" ] || exit 0
    pid=$(cat "$work/started.pid")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    fi
    rm -f "$work/started.pid"
    ;;
  version)
    dpkg-query -W -f='prosody ${Version}\n' prosody 2>/dev/null || echo "prosody not installed"
    ;;
  *) sed -n '2,10p' "$0"; exit 2 ;;
esac
