#!/usr/bin/env bash
# cluster-cert.sh DIR: the node-link certificate every node of a cluster shares (cluster.certificate/cluster.key):
# DIR/cluster.crt and DIR/cluster.key (ECDSA P-256, self-signed, 730 days), made unless both exist. Copy the same two
# files to every node (the key mode 0600): a node links only with peers presenting this very certificate.
set -euo pipefail
dir=${1:?usage: cluster-cert.sh DIR}
mkdir -p "$dir"
if [ -s "$dir/cluster.crt" ] && [ -s "$dir/cluster.key" ]; then exit 0; fi
umask 077
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 730 -subj /CN=hpx-cluster \
  -keyout "$dir/cluster.key" -out "$dir/cluster.crt" 2>/dev/null
chmod 644 "$dir/cluster.crt"
