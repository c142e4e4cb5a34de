#!/usr/bin/python3
"""Interop check of carbons (XEP-0280), client state indication (XEP-0352) and blocking (XEP-0191) with slixmpp.

Three slixmpp clients log in over STARTTLS with SCRAM-SHA-256: romeo/a, romeo/b and juliet.
- xep_0280: both romeo resources enable carbons; a chat message from juliet to romeo/a reaches romeo/b as a
  received carbon, and one from romeo/a to juliet reaches romeo/b as a sent carbon.
- xep_0352: the server offers csi; while romeo/b is inactive a chat-state-only message from juliet is held, and
  send_active delivers it.
- xep_0191: romeo/a blocks juliet (romeo/b, which asked for the list, gets the push); juliet's message does not
  arrive, romeo's message to juliet bounces with not-acceptable; after unblocking, juliet's message arrives.
Exit code 0 and "OK" on success; on failure the reason goes to stderr and the exit code is 1.

usage: slixmpp_mobile.py HOST PORT DOMAIN PASSWORD
"""
import asyncio
import ssl
import sys

import slixmpp

TIMEOUT = 20
QUIET = 1.5  # how long "nothing arrives" is watched


def fail(reason):
    print(f"FAIL: {reason}", file=sys.stderr)
    sys.exit(1)


class Client(slixmpp.ClientXMPP):
    def __init__(self, jid, password):
        super().__init__(jid, password, sasl_mech="SCRAM-SHA-256")
        self.ssl_context.check_hostname = False
        self.ssl_context.verify_mode = ssl.CERT_NONE
        for plugin in ("xep_0030", "xep_0280", "xep_0352", "xep_0191", "xep_0085"):
            self.register_plugin(plugin)
        self.ready = asyncio.Event()
        self.csi_offered = False
        self.messages = asyncio.Queue()
        self.received_carbons = asyncio.Queue()
        self.sent_carbons = asyncio.Queue()
        self.block_pushes = asyncio.Queue()
        self.composing = asyncio.Queue()
        self.add_event_handler("session_start", lambda _: self.ready.set())
        self.add_event_handler("csi_enabled", self._csi)
        self.add_event_handler("message", self._message)
        self.add_event_handler("message_error", self._message)  # slixmpp reports type='error' only here
        self.add_event_handler("carbon_received", lambda m: self.received_carbons.put_nowait(m))
        self.add_event_handler("carbon_sent", lambda m: self.sent_carbons.put_nowait(m))
        self.add_event_handler("blocked", lambda iq: self.block_pushes.put_nowait(iq))
        self.add_event_handler("chatstate_composing", lambda m: self.composing.put_nowait(m))

    def _csi(self, _):
        self.csi_offered = True

    def _message(self, msg):
        # Carbons arrive as messages from our own bare JID; keep them out of the plain message queue.
        if msg["from"].bare == self.boundjid.bare and (msg.xml.find("{urn:xmpp:carbons:2}received") is not None
                                                        or msg.xml.find("{urn:xmpp:carbons:2}sent") is not None):
            return
        self.messages.put_nowait(msg)


async def login(host, port, jid, password):
    client = Client(jid, password)
    client.connect((host, port), force_starttls=True)
    try:
        await asyncio.wait_for(client.ready.wait(), TIMEOUT)
    except asyncio.TimeoutError:
        fail(f"{jid}: the session did not start in time")
    client.send_presence()  # available, so messages to the bare JID reach this resource
    return client


async def next_of(queue, what):
    try:
        return await asyncio.wait_for(queue.get(), TIMEOUT)
    except asyncio.TimeoutError:
        fail(f"{what} did not arrive")


async def nothing_on(queue, what):
    try:
        item = await asyncio.wait_for(queue.get(), QUIET)
    except asyncio.TimeoutError:
        return
    fail(f"{what} arrived: {item}")


async def carbons(romeo_a, romeo_b, juliet, domain):
    await romeo_a["xep_0280"].enable(timeout=TIMEOUT)
    await romeo_b["xep_0280"].enable(timeout=TIMEOUT)

    juliet.send_message(mto=f"romeo@{domain}/a", mbody="to a", mtype="chat")
    got = await next_of(romeo_a.messages, "juliet's message at romeo/a")
    if got["body"] != "to a":
        fail(f"romeo/a got {got['body']!r}")
    carbon = await next_of(romeo_b.received_carbons, "the received carbon at romeo/b")
    if carbon["carbon_received"]["body"] != "to a":
        fail(f"received carbon carries {carbon['carbon_received']['body']!r}")

    romeo_a.send_message(mto=f"juliet@{domain}", mbody="from a", mtype="chat")
    await next_of(juliet.messages, "romeo's message at juliet")
    carbon = await next_of(romeo_b.sent_carbons, "the sent carbon at romeo/b")
    if carbon["carbon_sent"]["body"] != "from a":
        fail(f"sent carbon carries {carbon['carbon_sent']['body']!r}")
    await romeo_b["xep_0280"].disable(timeout=TIMEOUT)
    print("carbons: received and sent copies")


async def client_state(romeo_b, juliet, domain):
    if not romeo_b.csi_offered:
        fail("the server did not offer csi")
    romeo_b["xep_0352"].send_inactive()
    await asyncio.sleep(0.3)
    composing = juliet.make_message(mto=f"romeo@{domain}/b", mtype="chat")
    composing["chat_state"] = "composing"
    composing.send()
    await nothing_on(romeo_b.composing, "a chat state while inactive")
    romeo_b["xep_0352"].send_active()
    held = await next_of(romeo_b.composing, "the held chat state after active")
    if held["from"] != juliet.boundjid:
        fail(f"expected juliet's chat state, got {held}")
    print("csi: chat state held while inactive, delivered on active")


async def blocking(romeo_a, romeo_b, juliet, domain):
    await romeo_b["xep_0191"].get_blocked(timeout=TIMEOUT)  # romeo/b asks for the list: it gets pushes
    await romeo_a["xep_0191"].block(f"juliet@{domain}", timeout=TIMEOUT)
    await next_of(romeo_b.block_pushes, "the block push at romeo/b")
    listed = await romeo_a["xep_0191"].get_blocked(timeout=TIMEOUT)
    items = {str(j) for j in listed["blocklist"]["items"]}
    if f"juliet@{domain}" not in items:
        fail(f"block list is {items}")

    juliet.send_message(mto=f"romeo@{domain}/a", mbody="blocked", mtype="chat")
    await nothing_on(romeo_a.messages, "a message from a blocked contact")

    romeo_a.send_message(mto=f"juliet@{domain}", mbody="to blocked", mtype="chat")
    bounce = await next_of(romeo_a.messages, "the bounce of a message to a blocked contact")
    if bounce["type"] != "error" or bounce["error"]["condition"] != "not-acceptable":
        fail(f"expected a not-acceptable error, got {bounce}")
    await nothing_on(juliet.messages, "a message from a contact who blocked juliet")

    await romeo_a["xep_0191"].unblock(f"juliet@{domain}", timeout=TIMEOUT)
    juliet.send_message(mto=f"romeo@{domain}/a", mbody="unblocked", mtype="chat")
    got = await next_of(romeo_a.messages, "a message after unblocking")
    if got["body"] != "unblocked":
        fail(f"after unblocking romeo/a got {got['body']!r}")
    print("blocking: block push, both directions refused, unblock")


async def main(host, port, domain, password):
    romeo_a = await login(host, port, f"romeo@{domain}/a", password)
    romeo_b = await login(host, port, f"romeo@{domain}/b", password)
    juliet = await login(host, port, f"juliet@{domain}/j", password)
    await juliet["xep_0030"].get_info(jid=domain, timeout=TIMEOUT)  # the presences before it were handled
    await carbons(romeo_a, romeo_b, juliet, domain)
    await client_state(romeo_b, juliet, domain)
    await blocking(romeo_a, romeo_b, juliet, domain)
    for client in (romeo_a, romeo_b, juliet):
        client.disconnect()
    print("OK")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        fail(__doc__)
    asyncio.run(asyncio.wait_for(main(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]), TIMEOUT * 8))
