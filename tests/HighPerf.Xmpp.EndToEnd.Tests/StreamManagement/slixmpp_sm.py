#!/usr/bin/python3
"""Interop check of XEP-0198 resumption with slixmpp's xep_0198 plugin.

alice (with xep_0198, resumption on) and bob log in over STARTTLS. bob sends alice two messages; then alice's
socket is closed abruptly (transport.abort(): no </stream:stream>), bob sends two more, and alice reconnects:
slixmpp resumes the stream with its own 'h'. Every message must arrive exactly once, in order, and alice must
still be able to send as the same full JID. Exit code 0 and "OK" on success; else the reason on stderr, exit 1.

usage: slixmpp_sm.py HOST PORT ALICE_JID BOB_JID PASSWORD
"""
import asyncio
import ssl
import sys

import slixmpp

TIMEOUT = 20


class Client(slixmpp.ClientXMPP):
    def __init__(self, jid, password, sm):
        super().__init__(jid, password, sasl_mech="SCRAM-SHA-256")
        # The test server's certificate is self-signed.
        self.ssl_context.check_hostname = False
        self.ssl_context.verify_mode = ssl.CERT_NONE
        if sm:
            self.register_plugin("xep_0198")
        self.started = asyncio.Event()
        self.enabled = asyncio.Event()
        self.resumed = asyncio.Event()
        self.bodies = []
        self.arrived = asyncio.Event()
        self.add_event_handler("session_start", lambda _: self.started.set())
        self.add_event_handler("sm_enabled", lambda _: self.enabled.set())
        self.add_event_handler("session_resumed", lambda _: self.resumed.set())
        self.add_event_handler("message", self.on_message)

    def on_message(self, msg):
        if msg["type"] in ("chat", "normal") and msg["body"]:
            self.bodies.append(msg["body"])
            self.arrived.set()


def fail(reason):
    print(f"FAIL: {reason}", file=sys.stderr)
    sys.exit(1)


async def wait_for(event, what):
    try:
        await asyncio.wait_for(event.wait(), TIMEOUT)
    except asyncio.TimeoutError:
        fail(f"timed out waiting for {what}")


async def wait_bodies(client, count, what):
    deadline = asyncio.get_running_loop().time() + TIMEOUT
    while len(client.bodies) < count:
        client.arrived.clear()
        left = deadline - asyncio.get_running_loop().time()
        if left <= 0:
            fail(f"timed out waiting for {what}: got {client.bodies}")
        try:
            await asyncio.wait_for(client.arrived.wait(), left)
        except asyncio.TimeoutError:
            pass


async def main(host, port, alice_jid, bob_jid, password):
    alice = Client(alice_jid, password, sm=True)
    bob = Client(bob_jid, password, sm=False)
    dropping = {"on": False}

    def reconnect(_):
        if dropping["on"]:
            dropping["on"] = False
            alice.connect((host, port), force_starttls=True)

    alice.add_event_handler("disconnected", reconnect)
    alice.connect((host, port), force_starttls=True)
    bob.connect((host, port), force_starttls=True)
    await wait_for(alice.enabled, "alice's <enabled/>")
    await wait_for(bob.started, "bob's session")
    if not alice["xep_0198"].sm_id:
        fail("the server did not offer resumption")

    for i in (1, 2):
        bob.send_message(mto=alice_jid, mbody=f"m{i}", mtype="chat")
    await wait_bodies(alice, 2, "m1 and m2")

    # The network goes away under alice: no closing tag, no TLS close_notify.
    dropping["on"] = True
    alice.transport.abort()
    for i in (3, 4):
        bob.send_message(mto=alice_jid, mbody=f"m{i}", mtype="chat")

    await wait_for(alice.resumed, "alice's <resumed/>")
    await wait_bodies(alice, 4, "m3 and m4 after the resume")
    bob.send_message(mto=alice_jid, mbody="m5", mtype="chat")
    await wait_bodies(alice, 5, "m5")
    await asyncio.sleep(0.5)  # anything resent twice would show up now
    if alice.bodies != ["m1", "m2", "m3", "m4", "m5"]:
        fail(f"messages not delivered exactly once in order: {alice.bodies}")

    alice.send_message(mto=bob_jid, mbody="back", mtype="chat")
    await wait_bodies(bob, 1, "alice's message after the resume")
    if bob.bodies != ["back"]:
        fail(f"bob got {bob.bodies}")

    alice.disconnect()
    bob.disconnect()
    print("OK")


if __name__ == "__main__":
    if len(sys.argv) != 6:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]))
