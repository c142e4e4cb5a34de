#!/usr/bin/python3
"""Interop check with an independent client library (slixmpp).

Two slixmpp clients log in over STARTTLS with SCRAM-SHA-256, send initial presence, fetch their rosters and
exchange messages through the server (to a full JID and to a bare JID). Exit code 0 on success; on failure
the reason goes to stderr and the exit code is 1.

usage: slixmpp_chat.py HOST PORT JID_A PASSWORD_A JID_B PASSWORD_B
"""
import asyncio
import ssl
import sys

import slixmpp

TIMEOUT = 20


class Client(slixmpp.ClientXMPP):
    def __init__(self, jid, password):
        super().__init__(jid, password, sasl_mech="SCRAM-SHA-256")
        # The test server's certificate is self-signed.
        self.ssl_context.check_hostname = False
        self.ssl_context.verify_mode = ssl.CERT_NONE
        self.ready = asyncio.Event()
        self.failed = asyncio.Event()
        self.inbox = asyncio.Queue()
        self.mechanism = None
        self.add_event_handler("session_start", self.on_session_start)
        self.add_event_handler("auth_success", self.on_auth_success)
        self.add_event_handler("failed_auth", lambda _: self.failed.set())
        self.add_event_handler("message", self.on_message)

    def on_auth_success(self, _):
        self.mechanism = self["feature_mechanisms"].mech.name

    async def on_session_start(self, _):
        self.send_presence()
        await self.get_roster()
        self.ready.set()

    def on_message(self, message):
        if message["type"] in ("chat", "normal"):
            self.inbox.put_nowait(message)

    def tls_version(self):
        ssl_object = self.transport.get_extra_info("ssl_object") if self.transport else None
        return ssl_object.version() if ssl_object else None


def fail(reason):
    print(f"FAIL: {reason}", file=sys.stderr)
    sys.exit(1)


async def expect_message(client, sender, body):
    message = await asyncio.wait_for(client.inbox.get(), TIMEOUT)
    if message["body"] != body or message["from"] != sender:
        fail(f"{client.boundjid} got {message['body']!r} from {message['from']}, expected {body!r} from {sender}")


async def main(host, port, jid_a, password_a, jid_b, password_b):
    a = Client(jid_a, password_a)
    b = Client(jid_b, password_b)
    for client in (a, b):
        client.connect((host, port), force_starttls=True)

    ready = asyncio.gather(a.ready.wait(), b.ready.wait())
    failed = asyncio.ensure_future(asyncio.wait([asyncio.ensure_future(a.failed.wait()), asyncio.ensure_future(b.failed.wait())], return_when=asyncio.FIRST_COMPLETED))
    done, _ = await asyncio.wait([ready, failed], timeout=TIMEOUT, return_when=asyncio.FIRST_COMPLETED)
    if ready not in done:
        fail("authentication failed" if failed in done else "the sessions did not start in time")

    for client in (a, b):
        if client.tls_version() not in ("TLSv1.2", "TLSv1.3"):
            fail(f"{client.boundjid} is not on TLS 1.2/1.3 (got {client.tls_version()})")
        if client.mechanism != "SCRAM-SHA-256":
            fail(f"{client.boundjid} authenticated with {client.mechanism}")
        print(f"{client.boundjid.full}: {client.tls_version()}, {client.mechanism}")

    a.send_message(mto=b.boundjid.full, mbody="Hello from A", mtype="chat")
    await expect_message(b, a.boundjid, "Hello from A")
    b.send_message(mto=a.boundjid.bare, mbody="Hello back from B", mtype="chat")
    await expect_message(a, b.boundjid, "Hello back from B")
    for i in range(20):
        a.send_message(mto=b.boundjid.full, mbody=f"burst {i}", mtype="chat")
    for i in range(20):
        await expect_message(b, a.boundjid, f"burst {i}")

    for client in (a, b):
        client.disconnect()
    await asyncio.wait_for(asyncio.gather(a.disconnected, b.disconnected), TIMEOUT)
    print("OK")


if __name__ == "__main__":
    if len(sys.argv) != 7:
        fail(__doc__)
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), *sys.argv[3:]))
