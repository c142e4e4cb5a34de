#!/usr/bin/env bash
# Publishes src/HighPerf.Xmpp.Server as one Native AOT binary for linux-x64: native-aot/out/highperf-xmpp
# (symbols beside it in highperf-xmpp.dbg). Settings and trimmer roots: native-aot/HighPerf.Xmpp.Server.Aot.props.
# Trim/AOT warnings from our assemblies fail the publish; the packages' summary warnings are listed in README.md.
#
# Needs a C toolchain for the native link (clang, or gcc as the fallback the SDK probes for).
# Extra arguments go to dotnet publish (e.g. -p:TrimmerSingleWarn=false to see each package warning).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
out="$here/out"
mkdir -p "$out"

# obj/ and bin/ of this publish go under out/artifacts, so it never rewrites the obj/ (project.assets.json) of a
# Debug build running in the same tree at the same time.
start=$(date +%s)
timeout 30m dotnet publish "$root/src/HighPerf.Xmpp.Server/HighPerf.Xmpp.Server.csproj" \
  -c Release -r linux-x64 -p:PublishAot=true -p:TreatWarningsAsErrors=true \
  --artifacts-path "$out/artifacts" -o "$out/publish" -nologo "$@"

cp -f "$out/publish/highperf-xmpp" "$out/highperf-xmpp"
[ -f "$out/publish/highperf-xmpp.dbg" ] && cp -f "$out/publish/highperf-xmpp.dbg" "$out/highperf-xmpp.dbg"
printf 'native-aot: %s (%s bytes) in %ss\n' "$out/highperf-xmpp" "$(stat -c %s "$out/highperf-xmpp")" "$(( $(date +%s) - start ))"
