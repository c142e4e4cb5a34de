#!/usr/bin/env bash
# Attributes what an idle server-side OpenSSL connection keeps to OpenSSL call sites (TLS 1.2 vs 1.3 variants).
# Usage: perf/HighPerf.TlsMemory/residue/run-residue.sh [verbose]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dpkg -s libssl-dev >/dev/null 2>&1 || { echo "needs libssl-dev (apt-get install libssl-dev)" >&2; exit 1; }
cc -O1 -g -o "$work/residue" "$here/tls13_residue.c" -lssl -lcrypto
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj /CN=localhost \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
"$work/residue" "$work/cert.pem" "$work/key.pem" ${1:+verbose}
