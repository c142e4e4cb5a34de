#!/usr/bin/env bash
# perf/compare.sh SCENARIO N [LOADGEN ARGS...]
# Runs one load-generator scenario (idle, chat, muc, detached, login-storm, roster-presence) with N users against each server in
# $SERVERS, one after the other, each freshly started (so that memory figures start from an empty server), and
# prints one table. Accounts user1..userN (password "password", domain bench.example) are created once per server
# and kept in $PEERS_WORK (default /tmp/highperf-peers). Extra arguments go to the load generator (e.g. --tls
# --mechanism SCRAM-SHA-1 --rate 2 --duration 30 --concurrency 50).
# TAG=SUFFIX keeps a variant's results apart (e.g. TAG=-gen0-2m with DOTNET_GCgen0size set for our server).
# TABLE_ONLY=1 prints the table of the stored results without running.
#
# SERVERS (default "jit aot prosody ejabberd"): jit and aot are our server (Release build under dotnet; the Native
# AOT binary from native-aot/publish.sh), optionally with a TLS engine suffix: jit:openssl, jit:managed, aot:openssl.
# prosody and ejabberd come from Debian's packages (perf/peers/*/ … install). Results: one JSON line per server in
# $PEERS_WORK/results/SCENARIO-N-SERVER.json and the table on stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
scenario=${1:?usage: compare.sh SCENARIO N [LOADGEN ARGS...]}
n=${2:?usage: compare.sh SCENARIO N [LOADGEN ARGS...]}
shift 2
extra=("$@")
export PEERS_WORK=${PEERS_WORK:-/tmp/highperf-peers}
export BENCH_DOMAIN=${BENCH_DOMAIN:-bench.example}
servers=${SERVERS:-jit aot prosody ejabberd}
contacts=${CONTACTS:-10}
results=$PEERS_WORK/results
mkdir -p "$results"
# STARTTLS runs are kept apart from plain ones.
case " $* " in *" --tls "*) TAG="-tls${TAG:-}" ;; esac

# The generator and every server need one descriptor per session; the hard limit cannot be raised from here.
ulimit -n "$(ulimit -Hn)"
if [ "$scenario" != login-storm ] && [ "$((n + 512))" -gt "$(ulimit -n)" ]; then
  echo "compare.sh: N=$n needs more open files than this shell's hard limit ($(ulimit -Hn))" >&2; exit 2
fi

loadgen=${LOADGEN_DLL:-$root/perf/HighPerf.LoadGen/bin/Release/net10.0/HighPerf.LoadGen.dll}
[ -f "$loadgen" ] || dotnet build -c Release "$root/perf/HighPerf.LoadGen" -nologo -v q
export LOADGEN_DLL=$loadgen

peer() { # peer SERVER ACTION ARGS...: dispatches to the peer script
  local server=$1 action=$2; shift 2
  case "$server" in
    jit*|aot*) TLS_ENGINE=${server#*:} ; [ "$TLS_ENGINE" = "$server" ] && TLS_ENGINE=auto
               TLS_ENGINE=$TLS_ENGINE "$here/peers/highperf/highperf.sh" "${server%%:*}" "$action" "$@" ;;
    prosody)   "$here/peers/prosody/prosody.sh" "$action" "$@" ;;
    ejabberd)  "$here/peers/ejabberd/ejabberd.sh" "$action" "$@" ;;
    *) echo "unknown server $server" >&2; return 2 ;;
  esac
}

port_of() {
  case "$1" in jit*) echo "${HIGHPERF_PORT:-5252}" ;; aot*) echo "${HIGHPERF_PORT:-5253}" ;; prosody) echo "${PROSODY_PORT:-5262}" ;; ejabberd) echo "${EJABBERD_PORT:-5272}" ;; esac
}

work_of() {
  case "$1" in jit*) echo "$PEERS_WORK/highperf-jit" ;; aot*) echo "$PEERS_WORK/highperf-aot" ;; *) echo "$PEERS_WORK/$1" ;; esac
}

accounts() { # creates user1..userN once per server (a marker remembers the largest N made)
  local server=$1 work made
  work=$(work_of "$server"); mkdir -p "$work"
  made=$(cat "$work/accounts.made" 2>/dev/null || echo 0)
  [ "$made" -ge "$n" ] && return 0
  case "$server" in
    ejabberd) peer ejabberd start >/dev/null; peer ejabberd accounts "$n" >&2; peer ejabberd stop ;;
    *) peer "$server" accounts "$n" >&2 ;;
  esac
  echo "$n" > "$work/accounts.made"
}

rosters() { # roster-presence: K contacts per user, made once through the protocol (the loadgen's provision step)
  local server=$1 work
  work=$(work_of "$server")
  [ "$(cat "$work/rosters.made" 2>/dev/null || echo)" = "$n:$contacts" ] && return 0
  dotnet "$loadgen" roster-provision --port "$(port_of "$server")" --domain "$BENCH_DOMAIN" --users "$n" --contacts "$contacts" \
    --label "$server" "${extra[@]}" | tail -1 >&2
  echo "$n:$contacts" > "$work/rosters.made"
}

# TABLE_ONLY=1: print the table from the stored results without running anything.
[ "${TABLE_ONLY:-0}" = 1 ] && servers_to_run= || servers_to_run=$servers
for server in $servers_to_run; do
  echo "== $server: $scenario, N=$n $*" >&2
  peer "$server" stop >/dev/null 2>&1 || true
  accounts "$server"
  if [ "$scenario" = roster-presence ]; then
    peer "$server" start >/dev/null
    rosters "$server"
    peer "$server" stop
  fi
  pid=$(peer "$server" start)
  sleep 2
  stats=()
  case "$server" in jit*|aot*) stats=(--server-stats "$(work_of "$server")/stats") ;; esac
  out=$results/$scenario-$n-${server/:/-}${TAG:-}.json
  if dotnet "$loadgen" "$scenario" --port "$(port_of "$server")" --domain "$BENCH_DOMAIN" --users "$n" --contacts "$contacts" \
      --server-pid "$pid" "${stats[@]}" --label "$server $(peer "$server" version | head -1)" "$@" > "$out.txt"; then
    tail -1 "$out.txt" > "$out"
  else
    echo "{\"label\": \"$server\", \"limited_by\": \"load generator failed: $(tail -1 "$out.txt" | tr -d '"')\"}" > "$out"
  fi
  peer "$server" stop >/dev/null 2>&1 || true
done

python3 - "$scenario" "$n" "$results" "${TAG:-}" $servers <<'PY'
import json, sys
scenario, n, folder, tag, servers = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
rows = []
for s in servers:
    try:
        rows.append((s + tag, json.load(open(f"{folder}/{scenario}-{n}-{s.replace(':', '-')}{tag}.json"))))
    except (OSError, ValueError) as e:
        rows.append((s, {"limited_by": f"no result: {e}"}))
cols = [("sessions ok/failed", lambda r: f"{r.get('established', '-')}/{r.get('failed', '-')}"),
        ("logins/s", lambda r: r.get("logins_per_s")),
        ("KiB/session", lambda r: r.get("kib_per_session")),
        ("RSS loaded MiB", lambda r: round(r["server_rss_loaded_kib"] / 1024, 1) if r.get("server_rss_loaded_kib", -1) > 0 else None)]
if scenario == "idle":
    cols += [("KiB/session after warm-up", lambda r: r.get("kib_per_session_after_warmup")),
             ("heap / GC committed / native / native free KiB", lambda r: "/".join(cell(r.get(k)) for k in (
                 "heap_kib_per_session_after_warmup", "gc_committed_kib_per_session_after_warmup",
                 "native_kib_per_session_after_warmup", "native_free_kib_per_session_after_warmup")))]
if scenario == "muc":
    cols += [("occupants/room", lambda r: r.get("copies_per_msg")),
             ("copies delivered/s", lambda r: r.get("delivered_per_s")),
             ("sent/copies/lost", lambda r: f"{r.get('sent', '-')}/{r.get('delivered', '-')}/{r.get('lost', '-')}"),
             ("p50/p99/p99.9/max ms", lambda r: f"{r.get('latency_p50_ms', '-')}/{r.get('latency_p99_ms', '-')}/{r.get('latency_p999_ms', '-')}/{r.get('latency_max_ms', '-')}"),
             ("CPU µs/copy", lambda r: r.get("server_cpu_us_per_msg")),
             ("alloc B/copy", lambda r: r.get("server_alloc_per_msg"))]
if scenario == "chat":
    cols += [("delivered/s", lambda r: r.get("delivered_per_s")),
             ("sent/delivered/lost", lambda r: f"{r.get('sent', '-')}/{r.get('delivered', '-')}/{r.get('lost', '-')}"),
             ("p50/p99/p99.9/max ms", lambda r: f"{r.get('latency_p50_ms', '-')}/{r.get('latency_p99_ms', '-')}/{r.get('latency_p999_ms', '-')}/{r.get('latency_max_ms', '-')}"),
             ("CPU µs/msg", lambda r: r.get("server_cpu_us_per_msg")),
             ("alloc B/msg", lambda r: r.get("server_alloc_per_msg"))]
if scenario == "detached":
    cols += [("msgs queued each", lambda r: r.get("messages_queued_per_detached_session")),
             ("heap KiB/attached", lambda r: r.get("heap_kib_per_attached_session")),
             ("heap KiB/detached", lambda r: r.get("heap_kib_per_detached_session")),
             ("RSS KiB/attached", lambda r: r.get("rss_kib_per_attached_session")),
             ("RSS MiB attached/detached", lambda r: f"{round(r.get('server_rss_attached_kib', 0) / 1024, 1)}/{round(r.get('server_rss_detached_kib', 0) / 1024, 1)}")]
if scenario == "login-storm":
    cols += [("login p50/p99 ms", lambda r: f"{r.get('login_p50_ms', '-')}/{r.get('login_p99_ms', '-')}"),
             ("CPU ms/login", lambda r: r.get("server_cpu_ms_per_login")),
             ("alloc B/login", lambda r: r.get("server_alloc_per_login"))]
if scenario == "roster-presence":
    cols += [("roster items", lambda r: r.get("roster_items")), ("presences recv", lambda r: r.get("presence_received")),
             ("login p50/p99 ms", lambda r: f"{r.get('login_p50_ms', '-')}/{r.get('login_p99_ms', '-')}")]
cols += [("server CPU cores", lambda r: r.get("server_cpu_cores")), ("loadgen cores", lambda r: r.get("loadgen_cpu_cores")),
         ("machine busy", lambda r: r.get("machine_busy")), ("limited by", lambda r: r.get("limited_by") or "-")]
def cell(v):
    return "-" if v is None or v == -1 else str(v)
print(f"\n{scenario}, N={n}\n")
print("| server | " + " | ".join(c for c, _ in cols) + " |")
print("|---" * (len(cols) + 1) + "|")
for s, r in rows:
    print(f"| {s} | " + " | ".join(cell(f(r)) for _, f in cols) + " |")
PY
