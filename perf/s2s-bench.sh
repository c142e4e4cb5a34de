#!/usr/bin/env bash
# perf/s2s-bench.sh [ours|prosody|all]
# Messages/s and latency across one s2s link on loopback (LoadGen's s2s-chat scenario): N senders on one server
# message N receivers on a federated server of another domain, so every message crosses the one stream between the
# two domains (STARTTLS + dialback, self-signed certificates on both sides). Pairs, each run once:
#   ours     a.bench (our server, 127.0.0.11) -> b.bench (our server, 127.0.0.12)
#   prosody  a.bench (ours) -> prosody.bench (Prosody 0.12, 127.0.0.13), then prosody.bench -> a.bench
# Our servers reach each other and Prosody by static routes (federation.routes); Prosody reaches a.bench through its
# own hosts file (unbound.hoststxt), on 5269 of 127.0.0.11. Clients log in over plain c2s (PLAIN) so that the
# figures are the s2s path's, not c2s TLS. The servers are children of this script, stopped by PID at the end.
# Environment: N (50 senders, as many receivers), RATE (20 msgs/s per sender), DURATION (20 s), VARIANT (jit: the
# Release build under dotnet; aot: native-aot/out/highperf-xmpp), WORK (/tmp/highperf-s2s-bench).
# Results: one JSON line per run in $WORK/results/*.json and a table on stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
which=${1:-all}
n=${N:-50}; rate=${RATE:-20}; duration=${DURATION:-20}; variant=${VARIANT:-jit}
work=${WORK:-/tmp/highperf-s2s-bench}
rm -rf "$work"; mkdir -p "$work/results"
ulimit -n "$(ulimit -Hn)"

dll=$root/src/HighPerf.Xmpp.Server/bin/Release/net10.0/highperf-xmpp.dll
loadgen=$root/perf/HighPerf.LoadGen/bin/Release/net10.0/HighPerf.LoadGen.dll
if [ "$variant" = aot ]; then server=("$root/native-aot/out/highperf-xmpp"); else server=(dotnet "$dll"); fi
[ "$variant" = aot ] || [ -f "$dll" ] || dotnet build -c Release "$root/src/HighPerf.Xmpp.Server" -nologo -v q
[ -f "$loadgen" ] || dotnet build -c Release "$root/perf/HighPerf.LoadGen" -nologo -v q

pids=()
cleanup() { for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done; sleep 2; for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT

wait_port() { # wait_port ADDRESS PORT PID LOG
  for _ in $(seq 1 600); do
    (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null && return 0
    kill -0 "$3" 2>/dev/null || { echo "server exited: $(tail -5 "$4")" >&2; exit 1; }
    sleep 0.1
  done
  echo "nothing listens on $1:$2: $(tail -5 "$4")" >&2; exit 1
}

ours() { # ours NAME DOMAIN ADDRESS ROUTES_JSON: configures, provisions and starts one of our servers; sets $started
  local name=$1 domain=$2 address=$3 routes=$4 dir=$work/$1
  mkdir -p "$dir"
  cat > "$dir/server.json" <<CFG
{
  "domains": ["$domain"],
  "dataDirectory": "$dir/data",
  "listeners": { "client": ["$address:5222"], "clientDirectTls": [] },
  "tls": { "required": false },
  "auth": { "allowPlainWithoutTls": true },
  "limits": { "inboundBytesPerSecond": 0 },
  "logging": { "level": "Warning" },
  "federation": { "enabled": true, "listen": ["$address:5269"], "routes": $routes }
}
CFG
  "${server[@]}" adduser-bulk user "$n" password --shared-salt --config "$dir/server.json" >/dev/null
  HIGHPERF_XMPP_STATS_FILE="$dir/stats" nohup "${server[@]}" run --config "$dir/server.json" >"$dir/server.log" 2>&1 &
  started=$!; pids+=("$started")
  wait_port "$address" 5222 "$started" "$dir/server.log"
  wait_port "$address" 5269 "$started" "$dir/server.log"
}

prosody() { # prosody DOMAIN ADDRESS PEER_DOMAIN PEER_ADDRESS; sets $started
  local dir=$work/prosody
  mkdir -p "$dir/data" "$dir/certs"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 -subj "/CN=$1" \
    -addext "subjectAltName=DNS:$1" -keyout "$dir/key.pem" -out "$dir/cert.pem" >/dev/null 2>&1
  echo "$4 $3" > "$dir/hosts"
  cat > "$dir/prosody.cfg.lua" <<CFG
run_as_root = true
daemonize = false
pidfile = "$dir/prosody.pid"
data_path = "$dir/data"
certificates = "$dir/certs"
log = { warn = "$dir/prosody.log" }
interfaces = { "$2" }
c2s_ports = { 5222 }
c2s_direct_tls_ports = { }
s2s_ports = { 5269 }
s2s_direct_tls_ports = { }
modules_enabled = { "roster", "saslauth", "tls", "dialback", "disco", "ping", "presence" }
modules_disabled = { "offline" }
authentication = "internal_hashed"
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
s2s_require_encryption = true
s2s_secure_auth = false
unbound = { hoststxt = "$dir/hosts" }
ssl = { certificate = "$dir/cert.pem", key = "$dir/key.pem" }
VirtualHost "$1"
CFG
  python3 "$here/peers/prosody/prosody_accounts.py" "$dir/data" "$1" user "$n" password >/dev/null
  nohup prosody --config "$dir/prosody.cfg.lua" >"$dir/stdout.log" 2>&1 &
  started=$!; pids+=("$started")
  wait_port "$2" 5222 "$started" "$dir/stdout.log"
  wait_port "$2" 5269 "$started" "$dir/stdout.log"
}

run() { # run LABEL FROM_ADDRESS FROM_DOMAIN FROM_PID TO_ADDRESS TO_DOMAIN TO_PID [STATS_FILE]
  local label=$1 stats=()
  [ -n "${8:-}" ] && stats=(--server-stats "$8")
  echo "[s2s-bench] $label: $n senders on $3 -> $n receivers on $6, $rate msgs/s each, $duration s" >&2
  dotnet "$loadgen" s2s-chat --host "$2" --port 5222 --domain "$3" --peer-host "$5" --peer-port 5222 --peer-domain "$6" \
    --users "$n" --rate "$rate" --duration "$duration" --drain 20 --server-pid "$4" --peer-pid "$7" "${stats[@]}" \
    --label "$label" > "$work/results/$label.txt"
  tail -1 "$work/results/$label.txt" > "$work/results/$label.json"
}

if [ "$which" = ours ] || [ "$which" = all ]; then
  ours a "a.bench" 127.0.0.11 '{ "b.bench": "127.0.0.12:5269", "prosody.bench": "127.0.0.13:5269" }'; a=$started
  ours b "b.bench" 127.0.0.12 '{ "a.bench": "127.0.0.11:5269" }'; b=$started
  run ours-to-ours 127.0.0.11 a.bench "$a" 127.0.0.12 b.bench "$b" "$work/a/stats"
  kill -TERM "$b"; wait "$b" 2>/dev/null || true
  [ "$which" = all ] || { kill -TERM "$a"; wait "$a" 2>/dev/null || true; }
fi
if [ "$which" = prosody ] || [ "$which" = all ]; then
  [ "$which" = all ] || { ours a "a.bench" 127.0.0.11 '{ "prosody.bench": "127.0.0.13:5269" }'; a=$started; }
  prosody prosody.bench 127.0.0.13 a.bench 127.0.0.11; p=$started
  run ours-to-prosody 127.0.0.11 a.bench "$a" 127.0.0.13 prosody.bench "$p" "$work/a/stats"
  run prosody-to-ours 127.0.0.13 prosody.bench "$p" 127.0.0.11 a.bench "$a"
fi

python3 - "$work/results" <<'PY'
import glob, json, os, sys
rows = [json.loads(open(p).read()) for p in sorted(glob.glob(os.path.join(sys.argv[1], "*.json")))]
keys = ["label", "sent", "delivered", "lost", "delivered_per_s", "latency_p50_ms", "latency_p99_ms", "latency_max_ms",
        "server_cpu_us_per_msg", "peer_cpu_us_per_msg", "server_alloc_per_msg", "machine_busy", "limited_by"]
print("| " + " | ".join(keys) + " |")
print("|" + "---|" * len(keys))
for r in rows:
    print("| " + " | ".join(str(r.get(k, "")) for k in keys) + " |")
PY
