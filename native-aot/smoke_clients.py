"""Clients for native-aot/smoke.sh, run against the real binary.

  smoke_clients.py before-restart HOST PORT DOMAIN   two slixmpp clients: STARTTLS + SCRAM-SHA-256, bind, mutual
                                                     subscription and presence, a message each way, a roster change
  smoke_clients.py after-restart HOST PORT DOMAIN    the roster change (and the subscription) survived the restart
  smoke_clients.py compression HOST PORT DOMAIN [required]
                                                     a raw client: STARTTLS, SCRAM-SHA-256, XEP-0138 zlib when the
                                                     server offers it (must offer it with "required"), bind, a
                                                     message to itself through zlib

Users romeo and juliet with password "secret" must exist. Exit code 0 and a last line "ok ..." on success.
slixmpp's own XEP-0138 plugin predates its asyncio transport (it swaps a socket object that no longer exists), so
compression is checked with the small raw client below.
"""
import asyncio
import base64
import hashlib
import hmac
import logging
import os
import socket
import ssl
import sys
import xml.etree.ElementTree as ET
import zlib

import slixmpp

MODE, HOST, PORT, DOMAIN = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
REQUIRED = "required" in sys.argv[5:]
TIMEOUT = 20
PASSWORD = "secret"
CONTACT = f"mercutio@{DOMAIN}"


def fail(message):
    print(f"FAIL {MODE}: {message}", file=sys.stderr)
    raise SystemExit(1)


class Client(slixmpp.ClientXMPP):
    def __init__(self, user, resource):
        # SCRAM only: PLAIN would hide a broken SCRAM path.
        super().__init__(f"{user}@{DOMAIN}/{resource}", PASSWORD, sasl_mech="SCRAM-SHA-256")
        self.ssl_context.check_hostname = False
        self.ssl_context.verify_mode = ssl.CERT_NONE  # the server's self-signed certificate
        self.messages = asyncio.Queue()
        self.online = asyncio.Queue()
        self.failed = asyncio.get_event_loop().create_future()
        self.roster.auto_authorize = True
        self.roster.auto_subscribe = True
        self.add_event_handler("message", lambda m: self.messages.put_nowait(m) if m["body"] else None)
        self.add_event_handler("got_online", lambda p: self.online.put_nowait(p["from"].bare))
        self.add_event_handler("failed_auth", lambda _: self.failed.done() or self.failed.set_result("authentication failed"))
        self.add_event_handler("session_start", self.start)

    async def start(self, _):
        await self.get_roster()
        self.send_presence()

    async def connected(self):
        self.connect((HOST, PORT))
        started = asyncio.ensure_future(self.wait_until("session_start"))
        done, _ = await asyncio.wait([started, self.failed], timeout=TIMEOUT, return_when=asyncio.FIRST_COMPLETED)
        if self.failed in done:
            fail(f"{self.boundjid.bare}: {self.failed.result()}")
        if started not in done:
            fail(f"{self.boundjid.bare}: no session within {TIMEOUT} s")
        for feature in ("starttls", "mechanisms", "bind"):
            if feature not in self.features:
                fail(f"{self.boundjid.bare}: stream feature {feature} was not negotiated ({sorted(self.features)})")
        return self

    async def close(self):
        self.disconnect()
        await asyncio.wait_for(self.wait_until("disconnected"), TIMEOUT)


async def expect(queue, predicate, what):
    async def loop():
        while True:
            item = await queue.get()
            if predicate(item):
                return item
    try:
        return await asyncio.wait_for(loop(), TIMEOUT)
    except asyncio.TimeoutError:
        fail(f"timed out waiting for {what}")


async def wait_for_subscription(client, jid, state):
    for _ in range(TIMEOUT * 10):
        if client.client_roster[jid]["subscription"] == state:
            return
        await asyncio.sleep(0.1)
    fail(f"{client.boundjid.bare} has subscription {client.client_roster[jid]['subscription']} to {jid}, not {state}")


async def before_restart():
    romeo = await Client("romeo", "smoke").connected()
    juliet = await Client("juliet", "smoke").connected()
    if romeo.boundjid.full != f"romeo@{DOMAIN}/smoke":
        fail(f"bound {romeo.boundjid.full}, asked for romeo@{DOMAIN}/smoke")

    romeo.send_presence(pto=f"juliet@{DOMAIN}", ptype="subscribe")
    await expect(romeo.online, lambda j: j == f"juliet@{DOMAIN}", "juliet's presence at romeo")
    await expect(juliet.online, lambda j: j == f"romeo@{DOMAIN}", "romeo's presence at juliet")
    await wait_for_subscription(romeo, f"juliet@{DOMAIN}", "both")
    await wait_for_subscription(juliet, f"romeo@{DOMAIN}", "both")

    romeo.send_message(mto=f"juliet@{DOMAIN}", mbody="wherefore art thou", mtype="chat")
    got = await expect(juliet.messages, lambda m: m["body"] == "wherefore art thou", "romeo's message at juliet")
    if got["from"].full != f"romeo@{DOMAIN}/smoke":
        fail(f"message from {got['from']}, expected romeo@{DOMAIN}/smoke")
    juliet.send_message(mto=f"romeo@{DOMAIN}", mbody="deny thy father", mtype="chat")
    await expect(romeo.messages, lambda m: m["body"] == "deny thy father", "juliet's message at romeo")

    # The roster change the restart must keep: the result comes after the commit that covers it.
    await romeo.update_roster(CONTACT, name="Mercutio", groups=["Verona"])
    await romeo.get_roster()
    item = romeo.client_roster[CONTACT]
    if item["name"] != "Mercutio" or list(item["groups"]) != ["Verona"]:
        fail(f"roster item after set: name={item['name']!r} groups={list(item['groups'])!r}")

    await romeo.close()
    await juliet.close()
    print("ok before-restart: STARTTLS, SCRAM-SHA-256, bind, subscription, presence, chat both ways, roster set")


async def after_restart():
    romeo = await Client("romeo", "again").connected()
    await romeo.get_roster()  # the session_start handler's request may still be in flight
    item = romeo.client_roster[CONTACT]
    if item["name"] != "Mercutio" or list(item["groups"]) != ["Verona"]:
        fail(f"roster item after restart: name={item['name']!r} groups={list(item['groups'])!r}")
    if romeo.client_roster[f"juliet@{DOMAIN}"]["subscription"] != "both":
        fail(f"subscription to juliet after restart: {romeo.client_roster[f'juliet@{DOMAIN}']['subscription']}")
    await romeo.close()
    print("ok after-restart: roster item and subscription survived")


# ---- raw client for XEP-0138 -------------------------------------------------------------------------------------

STREAM_NS = "http://etherx.jabber.org/streams"


class RawStream:
    """A blocking XMPP stream over a socket-like object, parsed with XMLPullParser (one per stream restart)."""

    def __init__(self, sock):
        self.sock = sock
        self.inflate = None
        self.deflate = None
        self.parser = None
        self.pending = []

    def send(self, text):
        data = text.encode()
        if self.deflate is not None:
            data = self.deflate.compress(data) + self.deflate.flush(zlib.Z_SYNC_FLUSH)
        self.sock.sendall(data)

    def open(self):
        self.parser = ET.XMLPullParser(events=("start", "end"))
        self.depth = 0
        self.pending = []
        self.send(f"<?xml version='1.0'?><stream:stream to='{DOMAIN}' version='1.0' xml:lang='en' "
                  "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>")
        return self.next_element()  # stream:features

    def next_element(self):
        while not self.pending:
            data = self.sock.recv(65536)
            if not data:
                fail("the server closed the connection")
            if self.inflate is not None:
                data = self.inflate.decompress(data)
            self.parser.feed(data)
            for event, element in self.parser.read_events():
                if event == "start":
                    self.depth += 1
                else:
                    self.depth -= 1
                    if self.depth == 1:
                        self.pending.append(element)
        element = self.pending.pop(0)
        if element.tag == f"{{{STREAM_NS}}}error":
            fail(f"stream error: {ET.tostring(element).decode()}")
        return element


def scram_sha256(stream):
    nonce = base64.b64encode(os.urandom(18)).decode()
    first_bare = f"n=romeo,r={nonce}"
    stream.send("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-256'>"
                + base64.b64encode(("n,," + first_bare).encode()).decode() + "</auth>")
    challenge = stream.next_element()
    if not challenge.tag.endswith("challenge"):
        fail(f"SCRAM: expected a challenge, got {ET.tostring(challenge).decode()}")
    server_first = base64.b64decode(challenge.text).decode()
    fields = dict(part.split("=", 1) for part in server_first.split(","))
    if not fields["r"].startswith(nonce):
        fail("SCRAM: the server nonce does not extend ours")
    salted = hashlib.pbkdf2_hmac("sha256", PASSWORD.encode(), base64.b64decode(fields["s"]), int(fields["i"]))
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    without_proof = f"c=biws,r={fields['r']}"
    auth_message = f"{first_bare},{server_first},{without_proof}".encode()
    signature = hmac.new(stored_key, auth_message, hashlib.sha256).digest()
    proof = base64.b64encode(bytes(a ^ b for a, b in zip(client_key, signature))).decode()
    stream.send("<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                + base64.b64encode(f"{without_proof},p={proof}".encode()).decode() + "</response>")
    success = stream.next_element()
    if not success.tag.endswith("success"):
        fail(f"SCRAM: {ET.tostring(success).decode()}")
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    expected = base64.b64encode(hmac.new(server_key, auth_message, hashlib.sha256).digest()).decode()
    if base64.b64decode(success.text).decode() != f"v={expected}":
        fail("SCRAM: the server signature does not verify")


def compression_offered(features):
    offer = features.find("{http://jabber.org/features/compress}compression")
    return offer is not None and "zlib" in [m.text for m in offer.findall("{http://jabber.org/features/compress}method")]


def compression():
    sock = socket.create_connection((HOST, PORT), timeout=TIMEOUT)
    stream = RawStream(sock)
    features = stream.open()
    if features.find("{urn:ietf:params:xml:ns:xmpp-tls}starttls") is None:
        fail("no STARTTLS offered")
    stream.send("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
    if not stream.next_element().tag.endswith("proceed"):
        fail("STARTTLS was not answered with proceed")
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    stream.sock = context.wrap_socket(sock, server_hostname=DOMAIN)
    stream.open()
    scram_sha256(stream)
    features = stream.open()
    if not compression_offered(features):
        if REQUIRED:
            fail("zlib compression is enabled in the configuration but not offered after authentication")
        stream.send("</stream:stream>")
        print("ok compression: not offered by this server configuration (skipped)")
        return
    stream.send("<compress xmlns='http://jabber.org/protocol/compress'><method>zlib</method></compress>")
    answer = stream.next_element()
    if not answer.tag.endswith("compressed"):
        fail(f"compress answered with {ET.tostring(answer).decode()}")
    stream.inflate, stream.deflate = zlib.decompressobj(), zlib.compressobj()
    features = stream.open()
    if features.find("{urn:ietf:params:xml:ns:xmpp-bind}bind") is None:
        fail("no bind offered on the compressed stream")
    stream.send("<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>zlib</resource></bind></iq>")
    bound = stream.next_element()
    if bound.get("type") != "result":
        fail(f"bind on the compressed stream: {ET.tostring(bound).decode()}")
    body = "x" * 2000  # compressible, several deflate blocks
    stream.send(f"<message to='romeo@{DOMAIN}/zlib' type='chat' id='z1'><body>{body}</body></message>")
    echoed = stream.next_element()
    if echoed.get("id") != "z1" or echoed.findtext("{jabber:client}body") != body:
        fail(f"the message to self did not come back through zlib: {ET.tostring(echoed).decode()[:200]}")
    stream.send("</stream:stream>")
    print("ok compression: zlib negotiated after SCRAM, bind and a 2 KB message to self through it")


logging.basicConfig(level=logging.ERROR)
if MODE == "before-restart":
    asyncio.run(before_restart())
elif MODE == "after-restart":
    asyncio.run(after_restart())
elif MODE == "compression":
    compression()
else:
    fail(f"unknown mode {MODE}")
