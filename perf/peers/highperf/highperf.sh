#!/usr/bin/env bash
# Our server as a benchmark target on loopback, the same way the peers are run: a throw-away config, data folder and
# log under $PEERS_WORK/highperf-$VARIANT. VARIANT is jit (the Release build's highperf-xmpp.dll under `dotnet`) or
# aot (the Native AOT binary from native-aot/publish.sh). Usage:
#   highperf.sh VARIANT accounts N [PREFIX]  create PREFIX1..PREFIXN (password "password"), server stopped
#   highperf.sh VARIANT start               start on 127.0.0.1:$PORT in the background; prints the PID
#   highperf.sh VARIANT stop                stop the PID started here (SIGTERM, then SIGKILL after 15 s)
#   highperf.sh VARIANT version
# Environment: HIGHPERF_DLL, HIGHPERF_AOT (binaries; default: this tree's), HIGHPERF_PORT (5252 jit, 5253 aot),
# TLS_ENGINE (auto|openssl|managed, default auto), BENCH_DOMAIN (bench.example). The server writes its allocation
# counters to $work/stats (HIGHPERF_XMPP_STATS_FILE) for the load generator's --server-stats.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
variant=${1:?jit or aot}; shift
case "$variant" in
  jit) default_port=5252 ;;
  aot) default_port=5253 ;;
  *) echo "variant is jit or aot" >&2; exit 2 ;;
esac
engine=${TLS_ENGINE:-auto}
work=${PEERS_WORK:-/tmp/highperf-peers}/highperf-$variant
port=${HIGHPERF_PORT:-$default_port}
domain=${BENCH_DOMAIN:-bench.example}
dll=${HIGHPERF_DLL:-$root/src/HighPerf.Xmpp.Server/bin/Release/net10.0/highperf-xmpp.dll}
aot=${HIGHPERF_AOT:-$root/native-aot/out/highperf-xmpp}
mkdir -p "$work"

# The server's command line: `dotnet DLL` or the AOT binary.
command_line() {
  if [ "$variant" = jit ]; then
    [ -f "$dll" ] || { echo "no $dll: dotnet build -c Release src/HighPerf.Xmpp.Server" >&2; exit 1; }
    cmd=(dotnet "$dll")
  else
    [ -x "$aot" ] || { echo "no $aot: native-aot/publish.sh" >&2; exit 1; }
    cmd=("$aot")
  fi
}

config() {
  cat > "$work/server.json" <<CFG
{
  "domains": ["$domain"],
  "dataDirectory": "$work/data",
  "listeners": { "client": ["127.0.0.1:$port"], "clientDirectTls": ["127.0.0.1:$((port + 100))"] },
  "tls": { "engine": "$engine", "required": false },
  "auth": { "allowPlainWithoutTls": true },
  "logging": { "level": "Warning" }
}
CFG
}

case "${1:-}" in
  accounts)
    config
    n=${2:?N}; prefix=${3:-user}
    command_line
    "${cmd[@]}" adduser-bulk "$prefix" "$n" password --shared-salt --config "$work/server.json"
    ;;
  start)
    config
    if [ -f "$work/started.pid" ] && kill -0 "$(cat "$work/started.pid")" 2>/dev/null; then cat "$work/started.pid"; exit 0; fi
    ulimit -n "$(ulimit -Hn)"
    command_line
    # nohup execs the server, so $! is the server process itself and the /proc figures are its own.
    HIGHPERF_XMPP_STATS_FILE="$work/stats" nohup "${cmd[@]}" run --config "$work/server.json" >"$work/server.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 300); do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$pid" > "$work/started.pid"; echo "$pid"; exit 0; fi
      kill -0 "$pid" 2>/dev/null || { echo "server exited: $(tail -5 "$work/server.log")" >&2; exit 1; }
      sleep 0.1
    done
    echo "server did not open port $port: $(tail -5 "$work/server.log")" >&2; exit 1
    ;;
  stop)
    [ -f "$work/started.pid" ] || exit 0
    pid=$(cat "$work/started.pid")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    fi
    rm -f "$work/started.pid"
    ;;
  version)
    echo "highperf-xmpp $variant ($(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'), $(dotnet --version 2>/dev/null | sed 's/^/.NET SDK /'), tls.engine $engine)"
    ;;
  *) sed -n '2,12p' "$0"; exit 2 ;;
esac
