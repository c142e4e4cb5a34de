#!/usr/bin/env bash
# garnet.sh PORT DATA_DIR [Debug|Release]: runs the cluster's Garnet engine in the foreground, as the cluster needs it
# (the same arguments as tests/HighPerf.Xmpp.TestKit/Processes/GarnetProcess.cs): AOF with a commit per operation
# and every reply held until its commit (--aof-commit-wait: durable before acknowledged), Lua for the store's scripts,
# recovery from DATA_DIR at start, the managed file device (Garnet's native one needs libaio). Binds 127.0.0.1; for
# separate machines change --bind to the address the nodes reach.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
port=${1:?port}; data=${2:?data folder}; configuration=${3:-Debug}
mkdir -p "$data"
exec dotnet "$root/tests/HighPerf.Garnet.Host/bin/$configuration/net10.0/HighPerf.Garnet.Host.dll" \
  --bind "${GARNET_BIND:-127.0.0.1}" --port "$port" \
  --aof --aof-commit-freq 0 --aof-commit-wait true \
  --lua --recover --device-type RandomAccess --checkpointdir "$data/checkpoints"
