#!/usr/bin/python3
"""Interop check of the file transfer services with slixmpp's own plugins.

proxy:  the sender finds the server's SOCKS5 proxy with xep_0065 (disco items, the proxy/bytestreams identity, the
        streamhost query), offers it to the receiver, whose xep_0065 connects and accepts; the sender connects,
        activates and writes the file; the receiver checks what arrived against its SHA-256.
upload: the sender uploads the file with xep_0363 (slot request, HTTP PUT with aiohttp) and sends the GET URL in a
        message with XEP-0066 out-of-band data; the receiver downloads it with aiohttp and checks its SHA-256.
        xep_0363's own service discovery (find_upload_service) cannot run on Python 3.11: slixmpp 1.8's
        xep_0030.get_info_from_domain passes coroutines to asyncio.wait, which 3.11 refuses. So this script does
        that discovery the plugin's way (disco#items of the domain, the store/file identity, the feature, the
        max-file-size form field) with xep_0030 calls that work, and hands the plugin the result.

Exit code 0 and "OK" on success; on failure the reason goes to stderr and the exit code is 1.

usage: slixmpp_files.py proxy|upload HOST PORT SENDER_JID RECEIVER_JID PASSWORD SIZE
"""
import asyncio
import hashlib
import os
import ssl
import sys
import tempfile

import aiohttp
import slixmpp

TIMEOUT = 60


def fail(reason):
    print(f"FAIL: {reason}", file=sys.stderr)
    sys.exit(1)


class Client(slixmpp.ClientXMPP):
    def __init__(self, jid, password):
        super().__init__(jid, password, sasl_mech="SCRAM-SHA-256")
        self.ssl_context.check_hostname = False
        self.ssl_context.verify_mode = ssl.CERT_NONE
        self.ready = asyncio.Event()
        self.inbox = asyncio.Queue()
        self.register_plugin("xep_0030")
        self.register_plugin("xep_0066")
        self.register_plugin("xep_0065", {"auto_accept": True})
        self.register_plugin("xep_0128")
        self.register_plugin("xep_0363")
        self.add_event_handler("session_start", self.on_session_start)
        self.add_event_handler("message", lambda m: self.inbox.put_nowait(m) if m["type"] in ("chat", "normal") else None)

    async def on_session_start(self, _):
        self.send_presence()
        await self.get_roster()
        self.ready.set()


async def proxy_transfer(sender, receiver, data):
    received = bytearray()
    closed = asyncio.Event()
    receiver.add_event_handler("socks5_data", lambda chunk: received.extend(chunk))
    receiver.add_event_handler("socks5_closed", lambda _: closed.set())

    proxies = await sender["xep_0065"].discover_proxies(timeout=TIMEOUT)
    if not any(str(jid) == "proxy.localhost" for jid in proxies):
        fail(f"xep_0065 found no proxy.localhost among {list(map(str, proxies))}")

    stream = await asyncio.wait_for(sender["xep_0065"].handshake(receiver.boundjid.full, timeout=TIMEOUT), TIMEOUT)
    if stream is None:
        fail("the SOCKS5 handshake through the proxy failed")

    for offset in range(0, len(data), 65536):
        await stream.write(data[offset:offset + 65536])
    stream.transport.close()  # flushes what is buffered, then closes
    await asyncio.wait_for(closed.wait(), TIMEOUT)
    return bytes(received)


async def discover_upload_service(client):
    """find_upload_service and upload_file's max-file-size reading, as slixmpp 1.8 writes them."""
    items = await client["xep_0030"].get_items(client.boundjid.domain, timeout=TIMEOUT)
    for jid, _, _ in items["disco_items"]["items"]:
        info = await client["xep_0030"].get_info(jid, timeout=TIMEOUT)
        identities = info["disco_info"]["identities"]
        if any(i[0] == "store" and i[1] == "file" for i in identities) and "urn:xmpp:http:upload:0" in info["disco_info"]["features"]:
            for form in info["disco_info"].iterables:
                values = form["values"]
                if values["FORM_TYPE"] == ["urn:xmpp:http:upload:0"]:
                    return info["from"], int(values["max-file-size"])
    fail("no upload service (store/file identity with urn:xmpp:http:upload:0) in the server's disco#items")


async def upload_transfer(sender, receiver, data):
    service, max_file_size = await discover_upload_service(sender)
    sender["xep_0363"].upload_service = service
    sender["xep_0363"].max_file_size = max_file_size
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "report 2024.bin")
        with open(path, "wb") as file:
            file.write(data)
        url = await sender["xep_0363"].upload_file(path, content_type="application/octet-stream", timeout=TIMEOUT)

    if sender["xep_0363"].max_file_size != 100 * 1024 * 1024:
        fail(f"xep_0363 read max-file-size {sender['xep_0363'].max_file_size}")

    message = sender.make_message(mto=receiver.boundjid.full, mbody=url, mtype="chat")
    message["oob"]["url"] = url
    message.send()
    got = await asyncio.wait_for(receiver.inbox.get(), TIMEOUT)
    if got["oob"]["url"] != url:
        fail(f"the receiver got {got['oob']['url']!r}, expected {url!r}")

    async with aiohttp.ClientSession() as session:
        async with session.get(got["oob"]["url"]) as response:
            if response.status != 200:
                fail(f"GET {url} answered {response.status}")
            if response.headers.get("Content-Type") != "application/octet-stream":
                fail(f"GET {url} has Content-Type {response.headers.get('Content-Type')}")
            return await response.read()


async def main(mode, host, port, sender_jid, receiver_jid, password, size):
    sender = Client(sender_jid, password)
    receiver = Client(receiver_jid, password)
    for client in (sender, receiver):
        client.connect((host, port), force_starttls=True)
    await asyncio.wait_for(asyncio.gather(sender.ready.wait(), receiver.ready.wait()), TIMEOUT)

    data = os.urandom(size)
    received = await (proxy_transfer if mode == "proxy" else upload_transfer)(sender, receiver, data)
    if hashlib.sha256(received).hexdigest() != hashlib.sha256(data).hexdigest():
        fail(f"{len(received)} bytes arrived, not the {len(data)} sent")

    print(f"{mode}: {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()} OK")
    for client in (sender, receiver):
        client.disconnect()


if __name__ == "__main__":
    if len(sys.argv) != 8:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    mode, host, port, sender_jid, receiver_jid, password, size = sys.argv[1:]
    asyncio.run(main(mode, host, int(port), sender_jid, receiver_jid, password, int(size)))
