#!/usr/bin/env bash
# start.sh [NODES] [WORK_DIR]: one Garnet engine and NODES server nodes (default 3) on this machine, all serving
# domain localhost from the engine (cluster.enabled). Node i listens for c2s on 127.0.0.1:(5222 + 10*i) (STARTTLS) and
# keeps its own data folder (certificate, control socket) under WORK_DIR/node-i; the engine listens on 127.0.0.1:6379
# with its AOF in WORK_DIR/garnet. Ctrl-C stops everything. Accounts: `highperf-xmpp adduser alice@localhost --config
# WORK_DIR/node-0.json` (any node's config: they share the engine).
#
# On separate machines: run perf/cluster/garnet.sh on the engine's machine with GARNET_BIND set to its address (and a
# firewall that admits only the nodes), and on each node machine `highperf-xmpp run --config node.json` with
# cluster.endpoints naming that address, the same cluster.secret, the same cluster.certificate/cluster.key (made once
# with perf/cluster/cluster-cert.sh and copied to every node) and cluster.listen/advertise set to an address the
# other nodes reach (node links; see the README's "Cluster" section for what a cluster does and does not do yet).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
nodes=${1:-3}
work=${2:-/tmp/hpx-cluster}
mkdir -p "$work"
"$root/perf/cluster/cluster-cert.sh" "$work/cluster-tls"
dotnet build "$root/src/HighPerf.Xmpp.Server" -c Release -nologo -v q >/dev/null
dotnet build "$root/tests/HighPerf.Garnet.Host" -c Release -nologo -v q >/dev/null
server="$root/src/HighPerf.Xmpp.Server/bin/Release/net10.0/highperf-xmpp.dll"

pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; wait' EXIT INT TERM
"$root/perf/cluster/garnet.sh" 6379 "$work/garnet" Release > "$work/garnet.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do grep -q "garnet ready" "$work/garnet.log" && break; sleep 0.5; done

for i in $(seq 0 $((nodes - 1))); do
  cat > "$work/node-$i.json" <<JSON
{
  "domains": ["localhost"],
  "dataDirectory": "$work/node-$i",
  "listeners": { "client": ["127.0.0.1:$((5222 + 10 * i))"], "clientDirectTls": [] },
  "cluster": { "enabled": true, "endpoints": ["127.0.0.1:6379"], "keyPrefix": "hpx:", "secret": "${CLUSTER_SECRET:-change-this-cluster-secret}",
               "listen": "127.0.0.1:$((7400 + i))", "certificate": "$work/cluster-tls/cluster.crt", "key": "$work/cluster-tls/cluster.key" }
}
JSON
  dotnet "$server" run --config "$work/node-$i.json" > "$work/node-$i.log" 2>&1 &
  pids+=($!)
  echo "node $i: c2s 127.0.0.1:$((5222 + 10 * i)), log $work/node-$i.log"
done
echo "engine: 127.0.0.1:6379, log $work/garnet.log; Ctrl-C stops all"
wait
