#!/usr/bin/env bash
# ejabberd (Debian's package) as a benchmark peer on loopback, from a throw-away config, spool and logs (owned by the
# package's ejabberd user, which the VM runs as). Usage:
#   ejabberd.sh install              apt-get install ejabberd (once; the package's own service is not used)
#   ejabberd.sh start                start on 127.0.0.1:$PORT (default 5272); prints the PID of the Erlang VM
#   ejabberd.sh accounts N [PREFIX]  register PREFIX1..PREFIXN (password "password") through XEP-0077 with the load
#                                    generator (ejabberdctl register costs ~1 s per account); needs the server started
#   ejabberd.sh stop                 ejabberdctl stop, then SIGKILL of the recorded PID if it is still there
#   ejabberd.sh version
# Domain bench.example; work folder $PEERS_WORK/ejabberd (default /tmp/highperf-peers/ejabberd).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
work=${PEERS_WORK:-/tmp/highperf-peers}/ejabberd
port=${EJABBERD_PORT:-5272}
domain=${BENCH_DOMAIN:-bench.example}
node=ejabberd-bench@localhost
# ejabberdctl run as root switches to the ejabberd user through su, whose pam_limits resets the soft open-file limit
# to 1024 (about 1,000 sessions); run as that user already (setpriv, no PAM), it keeps this shell's limit.
ctl() { ulimit -n "$(ulimit -Hn)"; HOME=/var/lib/ejabberd setpriv --reuid=ejabberd --regid=ejabberd --init-groups ejabberdctl --config-dir "$work" --config "$work/ejabberd.yml" --ctl-config "$work/ejabberdctl.cfg" --logs "$work/logs" --spool "$work/spool" --node "$node" "$@"; }

config() {
  mkdir -p "$work/logs" "$work/spool"
  rm -f "$work/logs/error.log"
  [ -f "$work/cert.pem" ] || { openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=$domain" \
      -keyout "$work/key.pem" -out "$work/crt.pem" >/dev/null 2>&1; cat "$work/crt.pem" "$work/key.pem" > "$work/cert.pem"; }
  cat > "$work/ejabberdctl.cfg" <<CFG
ERLANG_NODE=$node
INET_DIST_INTERFACE=127.0.0.1
ERL_OPTIONS="-env ERL_CRASH_DUMP_BYTES 0"
ERL_MAX_PORTS=250000
ERL_PROCESSES=1000000
EJABBERD_PID_PATH=$work/ejabberd.pid
CFG
  cat > "$work/ejabberd.yml" <<CFG
hosts: ["$domain"]
loglevel: warning
certfiles: ["$work/cert.pem"]
listen:
  - port: $port
    ip: "127.0.0.1"
    module: ejabberd_c2s
    starttls: true
    shaper: none
    access: all
    max_stanza_size: 262144
auth_method: internal
# XEP-0077 is how the accounts are made (ejabberd.sh accounts): no per-IP registration throttle.
registration_timeout: infinity
# Plain stored passwords: with scram, ejabberd 23.01 derives PBKDF2 in Erlang at ~4 registrations or PLAIN logins per
# second on this machine, so 10,000 accounts would take most of an hour and idle logins time out. Plain skips the
# derivation our server and Prosody do per PLAIN login: it favours ejabberd in login-storm (RESULTS.md says so).
auth_password_format: plain
acl:
  local: {user_regexp: ""}
  loopback: {ip: 127.0.0.0/8}
access_rules:
  local: {allow: local}
  c2s: {allow: all}
  register: {allow: all}
shaper_rules:
  c2s_shaper: none
  max_user_sessions: 10
# Same module set as the other servers in a chat benchmark: roster, presence, disco, ping, registration; no archive,
# no offline storage, no stream management resumption state.
modules:
  mod_disco: {}
  mod_ping: {}
  mod_roster: {}
  mod_register: {ip_access: all, access: register}
  mod_stream_mgmt: {resend_on_timeout: false}
  mod_muc:
    host: "conference.@HOST@"
    access_create: all
    max_users: 10000
    max_users_presence: 10000
    history_size: 20
CFG
  chown -R ejabberd:ejabberd "$work"
}

case "${1:-}" in
  install)
    command -v ejabberdctl >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ejabberd >/dev/null
    ;;
  start)
    config
    ctl status >/dev/null 2>&1 && { cat "$work/vm.pid"; exit 0; }
    ctl start
    for _ in $(seq 1 300); do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        pid=$(pgrep -u ejabberd -f "beam.*-sname $node|beam.*-name $node|beam.*$node" | head -1 || true)
        [ -n "$pid" ] || pid=$(cat "$work/ejabberd.pid" 2>/dev/null || true)
        echo "$pid" > "$work/vm.pid"; echo "$pid"; exit 0
      fi
      grep -qs "Failed to start" "$work/logs/error.log" && break
      sleep 0.2
    done
    echo "ejabberd did not open port $port: $(tail -5 "$work/logs/error.log" 2>/dev/null)" >&2; exit 1
    ;;
  accounts)
    n=${2:?N}; prefix=${3:-user}
    dotnet "${LOADGEN_DLL:-$root/perf/HighPerf.LoadGen/bin/Release/net10.0/HighPerf.LoadGen.dll}" register --port "$port" --domain "$domain" \
      --users "$n" --user-prefix "$prefix" --password password --concurrency 50 --label ejabberd-accounts | tail -1
    ;;
  stop)
    ctl stop >/dev/null 2>&1 || true
    pid=$(cat "$work/vm.pid" 2>/dev/null || true)
    if [ -n "$pid" ]; then
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    fi
    rm -f "$work/vm.pid"
    ;;
  version)
    dpkg-query -W -f='ejabberd ${Version}, erlang-base ' ejabberd 2>/dev/null && dpkg-query -W -f='${Version}\n' erlang-base 2>/dev/null || echo "ejabberd not installed"
    ;;
  *) sed -n '2,11p' "$0"; exit 2 ;;
esac
