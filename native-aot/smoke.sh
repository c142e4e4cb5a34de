#!/usr/bin/env bash
# Smoke test of the Native AOT binary, driven like an operator would: adduser, run, two real clients (slixmpp),
# SIGTERM, run again, check that a roster change survived. Fails (exit 1) on any error.
#
#   native-aot/smoke.sh            publish (native-aot/publish.sh), then test native-aot/out/highperf-xmpp
#   native-aot/smoke.sh --reuse    test the binary already in native-aot/out (publish only when it is missing)
#   HPX_SMOKE_BINARY=/path/to/highperf-xmpp native-aot/smoke.sh --reuse    test another binary
#
# Needs /usr/bin/python3 with slixmpp (Debian: python3-slixmpp). Listens on 127.0.0.1 only, on two free ports.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
binary=${HPX_SMOKE_BINARY:-$here/out/highperf-xmpp}
python=/usr/bin/python3

if [ "${1:-}" != "--reuse" ] || [ ! -x "$binary" ]; then
  "$here/publish.sh"
fi
[ -x "$binary" ] || { echo "smoke: FAIL: no binary at $binary" >&2; exit 1; }
"$python" -c "import slixmpp" || { echo "smoke: FAIL: $python cannot import slixmpp (apt-get install python3-slixmpp)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/hpx-smoke.XXXXXX")
server_pid=""
cleanup() {
  # Only the server this script started, by its PID.
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill -KILL "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "smoke: FAIL: $*" >&2
  if [ -f "$work/server.log" ]; then echo "--- server log (last 60 lines) ---" >&2; tail -n 60 "$work/server.log" >&2; fi
  exit 1
}

read -r port tls_port < <("$python" - <<'PY'
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])
PY
)
config="$work/highperf-xmpp.json"
write_config() {  # $1: TLS engine (openssl, or managed: SslStream through DotNetty's TlsHandler)
  cat >"$config" <<JSON
{
  "domains": ["localhost"],
  "dataDirectory": "$work/data",
  "listeners": { "client": ["127.0.0.1:$port"], "clientDirectTls": ["127.0.0.1:$tls_port"] },
  "tls": { "engine": "$1" },
  "modules": {
    "enabled": ["roster", "presence", "offline", "disco", "ping", "version", "time", "last", "vcard", "private", "compression"],
    "compression": { "listeners": ["127.0.0.1:$port"] }
  },
  "logging": { "level": "Information" }
}
JSON
}
write_config openssl

# The binary must need nothing from a .NET install: run it with an empty environment.
hpx() { env -i PATH=/usr/bin:/bin HOME="$work" "$binary" "$@"; }

start_server() {
  # Only this start's lines count: the log file keeps every start's output.
  local from=$(( $(wc -l <"$work/server.log") + 1 ))
  local started=$(date +%s%N)
  env -i PATH=/usr/bin:/bin HOME="$work" "$binary" run --config "$config" >>"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 300); do  # 30 s
    if tail -n +"$from" "$work/server.log" | grep -q "Listening for c2s on 127.0.0.1:$port (STARTTLS)"; then
      echo "smoke: server $server_pid listening after $(( ($(date +%s%N) - started) / 1000000 )) ms"
      return 0
    fi
    kill -0 "$server_pid" 2>/dev/null || fail "the server exited before listening"
    sleep 0.1
  done
  fail "the server did not listen within 30 s"
}

stop_server() {
  kill -TERM "$server_pid"
  for _ in $(seq 1 200); do  # 20 s
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$server_pid" 2>/dev/null && fail "the server did not stop within 20 s of SIGTERM"
  local rc=0
  wait "$server_pid" || rc=$?
  server_pid=""
  [ "$rc" -eq 0 ] || fail "the server exited with $rc after SIGTERM"
  grep -q "Shutting down (SIGTERM)" "$work/server.log" || fail "no shutdown log line after SIGTERM"
}

clients() {
  timeout 120 "$python" "$here/smoke_clients.py" "$1" 127.0.0.1 "$port" localhost "${@:2}" || fail "client step '$1' failed"
}

echo "smoke: $binary ($(stat -c %s "$binary") bytes), data in $work/data"
touch "$work/server.log"
hpx adduser romeo@localhost secret --config "$config" >/dev/null || fail "adduser romeo"
printf 'secret\n' | env -i PATH=/usr/bin:/bin HOME="$work" "$binary" adduser juliet@localhost --config "$config" >/dev/null \
  || fail "adduser juliet (password on stdin)"
if hpx adduser romeo@localhost other --config "$config" >/dev/null 2>&1; then fail "adduser accepted an existing account"; fi

start_server
clients before-restart
clients compression required  # the config enables XEP-0138 on the STARTTLS listener: zlib (libz.so.1) must work
stop_server

start_server
clients after-restart
stop_server

# The managed TLS engine is other DotNetty handlers (TlsHandler over SslStream): its trimmer roots get a run too.
write_config managed
start_server
tail -n 20 "$work/server.log" | grep -q "TLS engine: Managed" || fail "the managed TLS engine was not selected"
clients after-restart
stop_server

grep -Eq " (fail|crit): " "$work/server.log" && fail "the server logged an error"
echo "smoke: ok"
