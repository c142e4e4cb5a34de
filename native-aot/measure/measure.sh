#!/usr/bin/env bash
# The measurements of native-aot/README.md, AOT and JIT in one run on this machine:
#   size of what is deployed, exec -> accepting connections, RSS idle, RSS with N idle sessions
#   (TCP + STARTTLS + SCRAM-SHA-256 + bind, from 127.0.N.1 source addresses), and a chat burst among them.
#
#   native-aot/measure/measure.sh                         AOT vs JIT, 10,000 sessions
#   native-aot/measure/measure.sh --variants aot,aot-server-gc,aot-conserve-5,...   GC variants (see measure.py)
#
# Publishes the AOT binary when native-aot/out/highperf-xmpp is missing, and the JIT build (framework-dependent,
# Release) into native-aot/out/jit. Extra arguments go to measure.py. Needs python3 (standard library only).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
aot_dir=$(dirname "$here")
root=$(dirname "$aot_dir")
out="$aot_dir/out"

[ -x "$out/highperf-xmpp" ] || "$aot_dir/publish.sh"
timeout 20m dotnet publish "$root/src/HighPerf.Xmpp.Server/HighPerf.Xmpp.Server.csproj" -c Release -nologo \
  --artifacts-path "$out/artifacts-jit" -o "$out/jit" >/dev/null

# The shared runtime beside the dotnet executable (/usr/bin/dotnet is usually a symlink into /usr/share/dotnet).
runtime_dir=$(dirname "$(readlink -f "$(command -v dotnet)")")/shared/Microsoft.NETCore.App
runtime=$(ls -d "$runtime_dir"/*/ | sort -V | tail -n 1)
echo "| build | what is deployed | bytes |"
echo "|---|---|---:|"
echo "| AOT | native-aot/out/highperf-xmpp (one file, no .NET install needed) | $(stat -c %s "$out/highperf-xmpp") |"
echo "| JIT | framework-dependent publish folder (*.dll, runtimeconfig.json, apphost) | $(du -sb "$out/jit" | cut -f1) |"
echo "| JIT | + the shared runtime it needs ($(basename "$runtime")) | $(du -sb "$runtime" | cut -f1) |"
echo

# Raise the descriptor limit for the server and the client (10,000 sessions = 10,000 sockets on each side).
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
timeout 60m python3 "$here/measure.py" --aot "$out/highperf-xmpp" --jit "$out/jit/highperf-xmpp.dll" "$@"
