"""Measures the server binary the way native-aot/README.md reports it, AOT and JIT in one run on one machine:
size, exec -> accepting connections, RSS idle, RSS with N idle sessions (TCP + STARTTLS + SCRAM-SHA-256 + bind),
and the latency of a chat burst among those sessions. Also runs GC variants (environment overrides of the
runtimeconfig.template.json settings) for the runtime-settings comparison.

  measure.py --aot native-aot/out/highperf-xmpp --jit path/to/Release/highperf-xmpp.dll [--sessions 10000]
             [--variants aot,jit] [--startups 7] [--burst-pairs 100 --burst-messages 100]

Everything listens and connects on 127.0.0.x only; every run is bounded in time and stops what it started.
"""
import argparse
import asyncio
import base64
import hashlib
import hmac
import os
import re
import resource
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time

DOMAIN = "localhost"
PASSWORD = "secret"
USERS = 100  # sessions are spread over this many accounts (no presence: idle sessions, no fan-out)

# name -> (build, extra environment); the env overrides are the runtime's documented DOTNET_ knobs.
VARIANTS = {
    "aot": ("aot", {}),
    "jit": ("jit", {}),
    "aot-server-gc": ("aot", {"DOTNET_gcServer": "1"}),
    "aot-server-gc-no-datas": ("aot", {"DOTNET_gcServer": "1", "DOTNET_GCDynamicAdaptationMode": "0"}),
    "aot-non-concurrent": ("aot", {"DOTNET_gcConcurrent": "0"}),
    "aot-conserve-5": ("aot", {"DOTNET_GCConserveMemory": "5"}),
    "aot-no-retainvm": ("aot", {"DOTNET_GCRetainVM": "0"}),
    "jit-server-gc": ("jit", {"DOTNET_gcServer": "1"}),
    "jit-no-tieredpgo": ("jit", {"DOTNET_TieredPGO": "0"}),
}


def log(message):
    print(f"[measure] {message}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_ms(pid):
    """User + system CPU time of the process so far (all threads), in milliseconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / CLOCK_TICKS


def rss_kib(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


class Server:
    def __init__(self, command, env, config):
        self.command, self.env, self.config = command, env, config
        self.process = None

    def start(self, port):
        """Starts the server; returns milliseconds from exec until the STARTTLS port accepts a connection."""
        environment = dict(os.environ, **self.env)
        started = time.perf_counter()
        self.process = subprocess.Popen(self.command + ["run", "--config", self.config], env=environment,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = started + 60
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"server exited with {self.process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return (time.perf_counter() - started) * 1000
            except OSError:
                time.sleep(0.001)
        raise SystemExit("server did not accept connections within 60 s")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None


# ---- the idle-session client ---------------------------------------------------------------------------------------

class Session:
    salted = {}  # (user, salt, iterations) -> SaltedPassword: one PBKDF2 per account, not per session

    def __init__(self, user, resource, source):
        self.user, self.resource, self.source = user, resource, source
        self.reader = self.writer = None
        self.latencies = None

    async def read_until(self, *needles, timeout=60):
        data = b""
        end = time.monotonic() + timeout
        while not any(n in data for n in needles):
            chunk = await asyncio.wait_for(self.reader.read(65536), max(0.1, end - time.monotonic()))
            if not chunk:
                raise ConnectionError(f"closed while waiting for {needles}: {data[-200:]!r}")
            data += chunk
        return data

    def send(self, text):
        self.writer.write(text.encode())

    async def open_stream(self):
        self.send(f"<?xml version='1.0'?><stream:stream to='{DOMAIN}' version='1.0' xmlns='jabber:client' "
                  "xmlns:stream='http://etherx.jabber.org/streams'>")
        return await self.read_until(b"</stream:features>")

    async def connect(self, port, context):
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(self.source, 0))
        await self.open_stream()
        self.send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
        await self.read_until(b"<proceed")
        await self.writer.start_tls(context, server_hostname=DOMAIN)
        await self.open_stream()
        await self.scram()
        await self.open_stream()
        self.send(f"<iq type='set' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>{self.resource}"
                  "</resource></bind></iq>")
        await self.read_until(b"</iq>")

    async def scram(self):
        nonce = base64.b64encode(os.urandom(18)).decode()
        first_bare = f"n={self.user},r={nonce}"
        self.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-256'>"
                  + base64.b64encode(("n,," + first_bare).encode()).decode() + "</auth>")
        data = await self.read_until(b"</challenge>")
        server_first = base64.b64decode(re.search(rb"<challenge[^>]*>([^<]+)</challenge>", data).group(1)).decode()
        fields = dict(p.split("=", 1) for p in server_first.split(","))
        key = (self.user, fields["s"], fields["i"])
        if key not in Session.salted:
            Session.salted[key] = hashlib.pbkdf2_hmac("sha256", PASSWORD.encode(), base64.b64decode(fields["s"]), int(fields["i"]))
        salted = Session.salted[key]
        client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
        without_proof = f"c=biws,r={fields['r']}"
        auth_message = f"{first_bare},{server_first},{without_proof}".encode()
        signature = hmac.new(hashlib.sha256(client_key).digest(), auth_message, hashlib.sha256).digest()
        proof = base64.b64encode(bytes(a ^ b for a, b in zip(client_key, signature))).decode()
        self.send("<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                  + base64.b64encode(f"{without_proof},p={proof}".encode()).decode() + "</response>")
        data = await self.read_until(b"<success", b"<failure")
        if b"<success" not in data:
            raise ConnectionError(f"SCRAM failed for {self.user}: {data!r}")

    async def receive_messages(self):
        """Reads until closed; each <body>NANOS</body> is a message's send time."""
        tail = b""
        try:
            while True:
                chunk = await self.reader.read(65536)
                if not chunk:
                    return
                data = tail + chunk
                end = data.rfind(b"</body>")
                if end < 0:
                    tail = data[-4096:]
                    continue
                now = time.perf_counter_ns()
                for sent in re.findall(rb"<body>(\d+)</body>", data[:end + 7]):
                    if self.latencies is not None:
                        self.latencies.append((now - int(sent)) / 1e6)
                tail = data[end + 7:]
        except (ConnectionError, asyncio.CancelledError, ssl.SSLError):
            return


async def open_sessions(port, count, sources):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    sessions = [Session(f"u{i % USERS}", f"r{i}", f"127.0.{1 + i % sources}.1") for i in range(count)]
    gate = asyncio.Semaphore(64)  # handshakes in flight

    async def one(session):
        async with gate:
            for attempt in range(5):
                try:
                    await session.connect(port, context)
                    return
                except (OSError, ConnectionError, asyncio.TimeoutError) as e:
                    if attempt == 4:
                        raise SystemExit(f"session {session.resource} failed: {e}")
                    await asyncio.sleep(0.2)

    started = time.perf_counter()
    await asyncio.gather(*(one(s) for s in sessions))
    log(f"{count} sessions up in {time.perf_counter() - started:.1f} s")
    readers = [asyncio.create_task(s.receive_messages()) for s in sessions]
    return sessions, readers


async def burst(sessions, pairs, messages, interval):
    """Pairs of sessions chat: each sender sends `messages` messages `interval` s apart to its peer's full JID."""
    step = max(1, len(sessions) // (2 * pairs))
    senders = [sessions[2 * k * step] for k in range(pairs)]
    receivers = [sessions[2 * k * step + 1] for k in range(pairs)]
    latencies = []
    for r in receivers:
        r.latencies = latencies

    async def talk(sender, receiver):
        to = f"{receiver.user}@{DOMAIN}/{receiver.resource}"
        for _ in range(messages):
            sender.send(f"<message to='{to}' type='chat'><body>{time.perf_counter_ns()}</body></message>")
            await asyncio.sleep(interval)

    await asyncio.gather(*(talk(s, r) for s, r in zip(senders, receivers)))
    deadline = time.monotonic() + 30
    while len(latencies) < pairs * messages and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    if not latencies:
        return None
    latencies.sort()
    q = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))]
    return {"received": len(latencies), "sent": pairs * messages, "p50": q(0.50), "p99": q(0.99), "max": latencies[-1]}


async def close_sessions(sessions, readers):
    for s in sessions:
        try:
            s.writer.close()
        except Exception:
            pass
    for r in readers:
        r.cancel()
    await asyncio.gather(*readers, return_exceptions=True)


# ---- one variant -----------------------------------------------------------------------------------------------------

def measure_variant(name, command, env, template, args):
    work = tempfile.mkdtemp(prefix=f"hpx-measure-{name}-")
    try:
        shutil.copytree(template, os.path.join(work, "data"))
        port, tls_port = free_port(), free_port()
        config = os.path.join(work, "config.json")
        with open(config, "w") as f:
            f.write(f'{{"dataDirectory": "{work}/data", "listeners": {{"client": ["127.0.0.1:{port}"], '
                    f'"clientDirectTls": ["127.0.0.1:{tls_port}"]}}, "logging": {{"level": "Warning"}}}}')
        server = Server(command, env, config)
        startups = []
        for _ in range(args.startups):
            startups.append(server.start(port))
            server.stop()
        result = {"startup_ms": statistics.median(startups), "startup_min_ms": min(startups)}

        server.start(port)
        pid = server.process.pid
        time.sleep(3)
        result["rss_idle_kib"], _ = rss_kib(pid)
        cpu = cpu_ms(pid)
        sessions, readers = asyncio.run_coroutine_threadsafe(open_sessions(port, args.sessions, args.sources), LOOP).result()
        result["cpu_per_login_ms"] = (cpu_ms(pid) - cpu) / args.sessions
        time.sleep(5)
        result["rss_sessions_kib"], _ = rss_kib(pid)
        cpu = cpu_ms(pid)
        result["burst"] = asyncio.run_coroutine_threadsafe(
            burst(sessions, args.burst_pairs, args.burst_messages, args.burst_interval), LOOP).result()
        if result["burst"]:
            result["burst"]["cpu_per_message_us"] = (cpu_ms(pid) - cpu) * 1000 / result["burst"]["received"]
        time.sleep(2)
        result["rss_after_burst_kib"], result["hwm_kib"] = rss_kib(pid)
        asyncio.run_coroutine_threadsafe(close_sessions(sessions, readers), LOOP).result()
        server.stop()
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def prepare_template(aot_binary):
    """A data folder with the accounts and the certificate, copied for every variant (same store for AOT and JIT)."""
    template = tempfile.mkdtemp(prefix="hpx-measure-template-")
    config = os.path.join(template, "config.json")
    with open(config, "w") as f:
        f.write(f'{{"dataDirectory": "{template}/data"}}')
    subprocess.run([aot_binary, "cert", "--config", config], check=True, stdout=subprocess.DEVNULL)
    for i in range(USERS):
        subprocess.run([aot_binary, "adduser", f"u{i}@{DOMAIN}", PASSWORD, "--config", config], check=True,
                       stdout=subprocess.DEVNULL)
    return os.path.join(template, "data"), template


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--aot", required=True)
    parser.add_argument("--jit", required=True, help="the JIT build's highperf-xmpp.dll (run with dotnet)")
    parser.add_argument("--variants", default="aot,jit")
    parser.add_argument("--sessions", type=int, default=10000)
    parser.add_argument("--sources", type=int, default=8, help="127.0.N.1 source addresses")
    parser.add_argument("--startups", type=int, default=7)
    parser.add_argument("--burst-pairs", type=int, default=100)
    parser.add_argument("--burst-messages", type=int, default=100)
    parser.add_argument("--burst-interval", type=float, default=0.02)
    parser.add_argument("--json", help="also write the raw figures to this file")
    args = parser.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = max(65536, 2 * args.sessions + 1024)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, max(want, hard)))
    except (ValueError, PermissionError):
        log(f"cannot raise RLIMIT_NOFILE above {soft}/{hard}")

    import threading
    global LOOP
    LOOP = asyncio.new_event_loop()
    threading.Thread(target=LOOP.run_forever, daemon=True).start()

    data_template, template_root = prepare_template(args.aot)
    dotnet = shutil.which("dotnet") or "dotnet"
    builds = {"aot": [args.aot], "jit": [dotnet, args.jit]}
    rows = []
    try:
        for name in args.variants.split(","):
            build, env = VARIANTS[name]
            log(f"variant {name}")
            rows.append((name, measure_variant(name, builds[build], env, data_template, args)))
            log(f"{name}: {rows[-1][1]}")
    finally:
        shutil.rmtree(template_root, ignore_errors=True)

    print(f"| variant | exec -> accepting, median of {args.startups} (min) | RSS idle | RSS @ {args.sessions:,} sessions "
          f"| per session | CPU per login | burst p50 / p99 / max (received/sent) | CPU per message "
          f"| RSS after burst | peak RSS |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in rows:
        b = r["burst"]
        burst_text = f"{b['p50']:.1f} / {b['p99']:.1f} / {b['max']:.1f} ms ({b['received']}/{b['sent']})" if b else "-"
        per_message = f"{b['cpu_per_message_us']:.0f} µs" if b else "-"
        per = (r["rss_sessions_kib"] - r["rss_idle_kib"]) / args.sessions
        print(f"| {name} | {r['startup_ms']:.0f} ms ({r['startup_min_ms']:.0f}) | {r['rss_idle_kib'] / 1024:.1f} MiB "
              f"| {r['rss_sessions_kib'] / 1024:.1f} MiB | {per:.1f} KiB | {r['cpu_per_login_ms']:.2f} ms | {burst_text} "
              f"| {per_message} | {r['rss_after_burst_kib'] / 1024:.1f} MiB | {r['hwm_kib'] / 1024:.1f} MiB |")
    sys.stdout.flush()
    if args.json:
        import json
        with open(args.json, "w") as f:
            json.dump({"sessions": args.sessions, "variants": dict(rows)}, f, indent=1)


if __name__ == "__main__":
    main()
