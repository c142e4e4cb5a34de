#!/usr/bin/env bash
# Durable writes and login reads: the embedded FASTER store against a Garnet engine run as the cluster runs it
# (AOF, commit before reply). One run, both stores, same machine; prints the ratios (perf/RESULTS.md, "Cluster store").
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
port=${GARNET_PORT:-46390}
work=$(mktemp -d /tmp/hpx-storebench.XXXXXX)
dotnet build "$root/perf/HighPerf.StoreBench" -c Release -nologo -v q >/dev/null
dotnet build "$root/tests/HighPerf.Garnet.Host" -c Release -nologo -v q >/dev/null
"$root/perf/cluster/garnet.sh" "$port" "$work/garnet" Release > "$work/garnet.log" 2>&1 &
garnet=$!
trap 'kill -9 $garnet 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do grep -q "garnet ready" "$work/garnet.log" && break; sleep 0.5; done
dotnet "$root/perf/HighPerf.StoreBench/bin/Release/net10.0/HighPerf.StoreBench.dll" "127.0.0.1:$port" "${@}"
