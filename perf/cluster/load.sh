#!/usr/bin/env bash
# load.sh [USERS] [RATE] [DURATION] — the chat load over a 3-node cluster against the same load on one node, in one
# run on this machine (perf/RESULTS.md, "Cluster load"). 127.0.0.1 only; starts everything it measures in a fresh
# work folder and stops only what it started, by PID.
#
#   1. Garnet (perf/cluster/garnet.sh: AOF, commit before reply) and 3 nodes on it (cluster.enabled, node links,
#      metrics on), USERS accounts made with adduser-bulk into the engine; the load generator's chat scenario spreads
#      the sessions over the 3 nodes (session i on node i mod 3), RATE messages/s per session for DURATION s; the
#      fraction routed across nodes is read from the nodes' link counters (Prometheus), not assumed. Then the
#      engine's memory with the sessions listed in its directory (INFO memory and RSS, idle scenario).
#   1b. The same 3 nodes with plain links (cluster.tls false), the same load: what TLS on the links costs (CPU,
#      rate, latency), and the bytes on the wire per cross-node message with and without it (the kernel's bytes_sent
#      on the link sockets, from ss, against the frame bytes the nodes count).
#   2. One of those nodes alone on the same engine: the same load, every session on it.
#   3. One node with the embedded FASTER store (the single-node default), the same modules as a cluster node (no mam,
#      pep: they are not on cluster nodes), the same load.
# Each stage also runs a short ramp (RAMP: per-session rates, RAMP_SECONDS each) to find the highest rate delivered
# without loss. Figures: one JSON line per run in WORK/results.jsonl and a table on stdout.
#
# Env: LINKS_ONLY=1 runs stages 1 and 1b only (no engine memory, no single-node stages). WORK (default: a new /tmp/hpx-load.XXXXXX), BASE_PORT (46500: node i uses BASE+10i for c2s, +1 links,
# +2 metrics; the engine BASE+99), RAMP ("4 8 16"), RAMP_SECONDS (8), ENGINE_USERS (idle sessions for the engine
# memory figure, default USERS), CONFIGURATION (Release).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
users=${1:-300}
rate=${2:-2}
duration=${3:-20}
ramp=${RAMP:-4 8 16}
ramp_seconds=${RAMP_SECONDS:-8}
engine_users=${ENGINE_USERS:-$users}
configuration=${CONFIGURATION:-Release}
base=${BASE_PORT:-46500}
engine_port=$((base + 99))
work=${WORK:-$(mktemp -d /tmp/hpx-load.XXXXXX)}
mkdir -p "$work"
"$root/perf/cluster/cluster-cert.sh" "$work/cluster-tls"
results=$work/results.jsonl
: > "$results"

ulimit -n "$(ulimit -Hn)"
if [ "$((users * 2 + 512))" -gt "$(ulimit -n)" ]; then
  echo "load.sh: $users users need more open files than the hard limit ($(ulimit -Hn))" >&2; exit 2
fi

dotnet build "$root/src/HighPerf.Xmpp.Server" -c "$configuration" -nologo -v q >/dev/null
dotnet build "$root/tests/HighPerf.Garnet.Host" -c "$configuration" -nologo -v q >/dev/null
dotnet build "$root/perf/HighPerf.LoadGen" -c "$configuration" -nologo -v q >/dev/null
server=(dotnet "$root/src/HighPerf.Xmpp.Server/bin/$configuration/net10.0/highperf-xmpp.dll")
loadgen=(dotnet "$root/perf/HighPerf.LoadGen/bin/$configuration/net10.0/HighPerf.LoadGen.dll")

pids=()
stop() { # stop PID...: TERM, then KILL after 10 s, each only if it is still ours
  for pid in "$@"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "$@"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    local kept=() p
    for p in "${pids[@]}"; do [ "$p" = "$pid" ] || kept+=("$p"); done
    pids=("${kept[@]}")
  done
}
trap 'stop "${pids[@]}"' EXIT INT TERM

wait_port() { # wait_port PORT PID LOG: bounded wait for a listener on 127.0.0.1:PORT
  for _ in $(seq 1 600); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { echo "load.sh: process $2 exited: $(tail -5 "$3")" >&2; exit 1; }
    sleep 0.1
  done
  echo "load.sh: nothing listens on 127.0.0.1:$1: $(tail -5 "$3")" >&2; exit 1
}

engine_info() { # engine_info SECTION: the engine's INFO section over RESP (bash only, bounded by timeout)
  timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$engine_port; printf '*2\r\n\$4\r\nINFO\r\n\$%d\r\n%s\r\n' ${#1} '$1' >&3; sleep 0.5; timeout 1 cat <&3" | tr -d '\r' || true
}

rss_kib() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }

node_config() { # node_config NAME INDEX CLUSTER(true|false) [LINK_TLS(true|false)]: writes WORK/NAME.json
  local name=$1 i=$2 cluster=$3 tls=${4:-true} c2s=$((base + 10 * $2))
  local section='"cluster": { "enabled": false }'
  if [ "$cluster" = true ]; then
    section="\"cluster\": { \"enabled\": true, \"endpoints\": [\"127.0.0.1:$engine_port\"], \"keyPrefix\": \"load:\", \"nodeId\": \"$name\",
               \"secret\": \"load-test-cluster-secret\", \"listen\": \"127.0.0.1:$((c2s + 1))\", \"tls\": $tls,
               \"certificate\": \"$work/cluster-tls/cluster.crt\", \"key\": \"$work/cluster-tls/cluster.key\" }"
  fi

  cat > "$work/$name.json" <<JSON
{
  "domains": ["localhost"],
  "dataDirectory": "$work/$name",
  "listeners": { "client": ["127.0.0.1:$c2s"], "clientDirectTls": [] },
  "tls": { "required": false },
  "auth": { "allowPlainWithoutTls": true },
  "limits": { "inboundBytesPerSecond": 0 },
  "logging": { "level": "Warning" },
  "metrics": { "enabled": true, "listen": "127.0.0.1:$((c2s + 2))" },
  "modules": { "enabled": ["roster", "presence", "offline", "disco", "ping", "version", "time", "last", "vcard", "private",
                           "blocking", "carbons", "csi", "muc", "sm", "push"] },
  $section
}
JSON
}

start_node() { # start_node NAME INDEX: runs WORK/NAME.json; sets $started
  local c2s=$((base + 10 * $2))
  "${server[@]}" run --config "$work/$1.json" > "$work/$1.log" 2>&1 &
  started=$!; pids+=("$started")
  wait_port "$c2s" "$started" "$work/$1.log"
  wait_port "$((c2s + 2))" "$started" "$work/$1.log"
}

chat() { # chat LABEL RATE SECONDS ENDPOINTS METRICS PIDS ENGINE_PID: one chat run, its JSON line into results
  local out=$work/$1.out
  "${loadgen[@]}" chat --users "$users" --rate "$2" --duration "$3" --endpoints "$4" --metrics "$5" --server-pid "$6" \
    ${7:+--peer-pid "$7"} --drain 10 --concurrency 50 --ramp 500 --label "$1" > "$out" 2> "$work/$1.err" || true
  tail -1 "$out" >> "$results"
  tail -1 "$out" | jq -r '"  \(.label): target \(.target_msgs_per_s)/s delivered \(.delivered_per_s)/s p50 \(.latency_p50_ms) ms p99 \(.latency_p99_ms) ms lost \(.lost) cross \(.cross_node_measured // "-")"' >&2 || cat "$work/$1.err" >&2
}

link_wire_bytes() { # bytes the kernel sent on the node-link sockets (both ends of every link), from ss
  ss -tinH state established | awk -v ports="$((base + 1)) $((base + 11)) $((base + 21))" '
    BEGIN { n = split(ports, p, " "); for (i = 1; i <= n; i++) link[p[i]] = 1 }
    /^[0-9]/ { k = split($3, l, ":"); m = split($4, r, ":"); keep = (l[k] in link) || (r[m] in link); next }
    keep && match($0, /bytes_sent:[0-9]+/) { sent += substr($0, RSTART + 11, RLENGTH - 11); keep = 0 }
    END { print sent + 0 }'
}

metric_sum() { # metric_sum NAME FILTER PORT...: a Prometheus series summed over the nodes' endpoints (FILTER: a label regex)
  local name=$1 filter=$2 total=0 port v; shift 2
  for port in "$@"; do
    v=$(curl -s --max-time 5 "http://127.0.0.1:$port/metrics" | awk -v n="$name" -v f="$filter" 'index($1, n) == 1 && $1 ~ f { s += $2 } END { printf "%d", s }')
    total=$((total + ${v:-0}))
  done
  echo "$total"
}

link_frame_bytes() { # data-frame bytes the nodes counted as sent on their links
  metric_sum xmpp_cluster_link_data_bytes_total 'direction="sent"' "$@"
}

wire_line() { # wire_line LABEL: one JSON line into results with the links' wire bytes against their frame bytes
  local wire frames
  wire=$(link_wire_bytes); frames=$(link_frame_bytes "$((base + 2))" "$((base + 12))" "$((base + 22))")
  jq -cn --arg run "$1" --argjson wire "$wire" --argjson frames "$frames" \
    '{"label": $run, link_wire_bytes: $wire, link_frame_bytes: $frames, wire_per_frame_byte: (if $frames > 0 then ($wire / $frames * 1000 | round / 1000) else -1 end)}' | tee -a "$work/wire.jsonl" >&2
}

stage() { # stage NAME ENDPOINTS METRICS PIDS ENGINE_PID: the fixed-rate run and the ramp
  local ports alloc0 msgs0 alloc1 msgs1
  ports=$(echo "$3" | tr ',' '\n' | sed 's/.*://' | tr '\n' ' ')
  # shellcheck disable=SC2086
  alloc0=$(metric_sum process_gc_allocated_bytes_total '' $ports); msgs0=$(metric_sum xmpp_stanzas_in_total 'kind="message"' $ports)
  chat "$1" "$rate" "$duration" "$2" "$3" "$4" "$5"
  # shellcheck disable=SC2086
  alloc1=$(metric_sum process_gc_allocated_bytes_total '' $ports); msgs1=$(metric_sum xmpp_stanzas_in_total 'kind="message"' $ports)
  jq -cn --arg run "$1-alloc" --argjson a "$((alloc1 - alloc0))" --argjson m "$((msgs1 - msgs0))" \
    '{"label": $run, nodes_alloc_bytes: $a, messages: $m, nodes_alloc_per_msg: (if $m > 0 then ($a / $m | round) else -1 end)}' | tee -a "$work/alloc.jsonl" >&2
  for r in $ramp; do chat "$1-ramp$r" "$r" "$ramp_seconds" "$2" "$3" "$4" "$5"; done
}

echo "load.sh: work folder $work, $users users, $rate msgs/s each for $duration s (ramp: $ramp, $ramp_seconds s each)" >&2

# 1. Garnet + 3 nodes.
"$root/perf/cluster/garnet.sh" "$engine_port" "$work/garnet" "$configuration" > "$work/garnet.log" 2>&1 &
garnet=$!; pids+=("$garnet")
wait_port "$engine_port" "$garnet" "$work/garnet.log"
for _ in $(seq 1 600); do grep -q "garnet ready" "$work/garnet.log" && break; sleep 0.1; done
for i in 0 1 2; do node_config "node-$i" "$i" true; done
accounts() { # accounts N CONFIG: adduser-bulk, retried (bounded) when a loaded machine times a store read out; made ones are kept
  for attempt in 1 2 3; do
    "${server[@]}" adduser-bulk user "$1" password --shared-salt --config "$2" > "$work/accounts.log" 2>&1 && return 0
    echo "load.sh: adduser-bulk attempt $attempt failed: $(grep -m1 -o 'Timeout performing [A-Z]* ([0-9]*ms)' "$work/accounts.log" || tail -1 "$work/accounts.log")" >&2
  done
  exit 1
}
accounts "$((users > engine_users ? users : engine_users))" "$work/node-0.json"
node_pids=()
for i in 0 1 2; do start_node "node-$i" "$i"; node_pids+=("$started"); done
endpoints="127.0.0.1:$base,127.0.0.1:$((base + 10)),127.0.0.1:$((base + 20))"
metrics="127.0.0.1:$((base + 2)),127.0.0.1:$((base + 12)),127.0.0.1:$((base + 22))"
stage cluster-3 "$endpoints" "$metrics" "$(IFS=,; echo "${node_pids[*]}")" "$garnet"
wire_line cluster-3-wire

# 1b. The same nodes with plain links.
stop "${node_pids[@]}"
for i in 0 1 2; do node_config "node-$i" "$i" true false; done
node_pids=()
for i in 0 1 2; do start_node "node-$i" "$i"; node_pids+=("$started"); done
stage cluster-3-plain "$endpoints" "$metrics" "$(IFS=,; echo "${node_pids[*]}")" "$garnet"
wire_line cluster-3-plain-wire
for i in 0 1 2; do node_config "node-$i" "$i" true; done
if [ "${LINKS_ONLY:-0}" = 1 ]; then
  stop "${node_pids[@]}" "$garnet"
  jq -r '[.label, .target_msgs_per_s, .delivered_per_s, .latency_p50_ms, .latency_p99_ms, .lost, (.cross_node_measured // -1), (.link_bytes_per_stanza // -1), .server_cpu_cores] | @tsv' "$results"
  cat "$work/wire.jsonl" "$work/alloc.jsonl"
  exit 0
fi

# The engine with ENGINE_USERS sessions listed (bound, available) against none: directory memory per session.
engine_before=$(engine_info memory); rss_before=$(rss_kib "$garnet")
"${loadgen[@]}" idle --users "$engine_users" --duration 12 --endpoints "$endpoints" --server-pid "$garnet" --concurrency 50 --ramp 1000 --label engine-memory \
  > "$work/engine-memory.out" 2> "$work/engine-memory.err" &
idle=$!
# idle logs a tenth in, then the rest (each step logs "N sessions established"): sample after the second.
for _ in $(seq 1 900); do [ "$(grep -c "sessions established" "$work/engine-memory.err" 2>/dev/null)" -ge 2 ] && break; kill -0 "$idle" 2>/dev/null || break; sleep 0.2; done
sleep 3
engine_loaded=$(engine_info memory); rss_loaded=$(rss_kib "$garnet")
established=$(grep -o "[0-9]* sessions established" "$work/engine-memory.err" | tail -1 | cut -d' ' -f1)
wait "$idle" || true
tail -1 "$work/engine-memory.out" >> "$results"
{ echo "== engine memory: ${established:-?} sessions listed over 3 nodes; Garnet RSS $rss_before KiB -> $rss_loaded KiB"
  echo "-- INFO memory without sessions:"; echo "$engine_before"; echo "-- with them:"; echo "$engine_loaded"; } > "$work/engine-memory.txt"
stop "${node_pids[@]}"

# 2. One node alone on the same engine (its directory still lists nothing: the others left cleanly).
start_node node-0 0
stage garnet-1 "127.0.0.1:$base" "127.0.0.1:$((base + 2))" "$started" "$garnet"
stop "$started" "$garnet"

# 3. One node with embedded FASTER (fresh data folder, same accounts).
node_config faster-1 0 false
accounts "$users" "$work/faster-1.json"
start_node faster-1 0
stage faster-1 "127.0.0.1:$base" "127.0.0.1:$((base + 2))" "$started" ""
stop "$started"

echo
printf '%-16s %10s %12s %9s %9s %7s %8s %8s %10s %9s %9s\n' run target/s delivered/s p50_ms p99_ms lost cross_x cross_exp link_B/msg cpu_cores machine
jq -r 'select(.label != "engine-memory") | [.label, .target_msgs_per_s, .delivered_per_s, .latency_p50_ms, .latency_p99_ms, .lost,
  (.cross_node_measured // -1), (.cross_node_expected // -1), (.link_bytes_per_stanza // -1), .server_cpu_cores, .machine_busy] | @tsv' "$results" |
  while IFS=$'\t' read -r l t d p50 p99 lost cx ce lb cpu busy; do
    printf '%-16s %10s %12s %9s %9s %7s %8s %8s %10s %9s %9s\n' "$l" "$t" "$d" "$p50" "$p99" "$lost" "$cx" "$ce" "$lb" "$cpu" "$busy"
  done
echo
head -1 "$work/engine-memory.txt"
echo "results: $results; engine INFO: $work/engine-memory.txt"
jq -r 'select(.label == "engine-memory") | "engine RSS per listed session (idle, after a warm-up of a tenth): \(.kib_per_session_after_warmup) KiB over \(.sessions_after_warmup) sessions"' "$results"
