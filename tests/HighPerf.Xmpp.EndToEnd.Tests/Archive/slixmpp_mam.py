#!/usr/bin/python3
"""Interop check of the message archive (XEP-0313) and stanza ids (XEP-0359) with slixmpp's xep_0313 and xep_0359.

Two slixmpp clients log in over STARTTLS with SCRAM-SHA-256: romeo and juliet.
- juliet sends 25 chat messages to romeo's bare JID; each arrives with a stanza-id by romeo@DOMAIN (xep_0359).
- romeo pages through his whole archive with xep_0313's iterate (RSM pages of 10): the 25 bodies in order, the
  archive ids equal to the stanza-ids he received, each with a delay stamp.
- a query with with_jid=juliet and a start time returns the later messages only; one with another JID none.
- paging back from the end (RSM <before/>, then <before>first</before>) yields every message once, down to a
  complete first page.
- juliet's archive holds her 25 outgoing messages too.
Exit code 0 and "OK" on success; on failure the reason goes to stderr and the exit code is 1.

usage: slixmpp_mam.py HOST PORT DOMAIN PASSWORD
"""
import asyncio
import ssl
import sys

import slixmpp
from slixmpp import JID

TIMEOUT = 20
COUNT = 25


def fail(reason):
    print(f"FAIL: {reason}", file=sys.stderr)
    sys.exit(1)


class Client(slixmpp.ClientXMPP):
    def __init__(self, jid, password):
        super().__init__(jid, password, sasl_mech="SCRAM-SHA-256")
        self.ssl_context.check_hostname = False
        self.ssl_context.verify_mode = ssl.CERT_NONE
        for plugin in ("xep_0030", "xep_0059", "xep_0297", "xep_0313", "xep_0359"):
            self.register_plugin(plugin)
        self.ready = asyncio.Event()
        self.messages = asyncio.Queue()
        self.add_event_handler("session_start", lambda _: self.ready.set())
        self.add_event_handler("message", self._message)

    def _message(self, msg):
        if msg["type"] == "chat" and msg["body"]:
            self.messages.put_nowait(msg)


async def login(host, port, jid, password):
    client = Client(jid, password)
    client.connect((host, port), force_starttls=True)
    try:
        await asyncio.wait_for(client.ready.wait(), TIMEOUT)
    except asyncio.TimeoutError:
        fail(f"{jid}: the session did not start in time")
    client.send_presence()
    return client


async def collect(client, **query):
    results = []
    async for result in client["xep_0313"].iterate(**query):
        forwarded = result["mam_result"]["forwarded"]
        results.append((result["mam_result"]["id"], forwarded["stanza"]["body"], forwarded["delay"]["stamp"]))
    return results


async def main(host, port, domain, password):
    romeo = await login(host, port, f"romeo@{domain}/interop", password)
    juliet = await login(host, port, f"juliet@{domain}/interop", password)

    features = await romeo["xep_0030"].get_info(jid=JID(f"romeo@{domain}"), timeout=TIMEOUT)
    if "urn:xmpp:mam:2" not in features["disco_info"]["features"]:
        fail("the account does not advertise urn:xmpp:mam:2")

    stanza_ids = []
    for i in range(COUNT):
        juliet.send_message(mto=JID(f"romeo@{domain}"), mbody=f"line {i}", mtype="chat")
        msg = await asyncio.wait_for(romeo.messages.get(), TIMEOUT)
        if msg["body"] != f"line {i}":
            fail(f"expected 'line {i}', got {msg['body']!r}")
        if msg["stanza_id"]["by"] != JID(f"romeo@{domain}") or not msg["stanza_id"]["id"]:
            fail(f"message {i} has no stanza-id by romeo@{domain}: {msg}")
        stanza_ids.append(msg["stanza_id"]["id"])

    everything = await asyncio.wait_for(collect(romeo, rsm={"max": 10}), TIMEOUT)
    if [body for _, body, _ in everything] != [f"line {i}" for i in range(COUNT)]:
        fail(f"paging through the archive gave {[body for _, body, _ in everything]}")
    if [archive_id for archive_id, _, _ in everything] != stanza_ids:
        fail("archive ids differ from the stanza-ids the messages arrived with")
    if any(stamp is None for _, _, stamp in everything):
        fail("a result has no delay stamp")

    start = everything[20][2]
    later = await asyncio.wait_for(collect(romeo, with_jid=JID(f"juliet@{domain}"), start=start, rsm={"max": 10}), TIMEOUT)
    if [body for _, body, _ in later] != [f"line {i}" for i in range(20, COUNT)]:
        fail(f"with+start gave {[body for _, body, _ in later]}")
    nobody = await asyncio.wait_for(collect(romeo, with_jid=JID(f"nobody@{domain}"), rsm={"max": 10}), TIMEOUT)
    if nobody:
        fail(f"a query with another JID returned {nobody}")

    # Backwards from the end, as clients open a conversation: <before/> (iterate reverse), then <before>first</before>
    # page by page until <fin complete='true'/>. slixmpp 1.8's reverse iterate itself stops after its first page
    # whenever the server sends <first index/> (its stop test, first index + page size == count, is the forward one),
    # so the later pages are asked with retrieve.
    last_page = []
    async for result in romeo["xep_0313"].iterate(reverse=True, rsm={"max": 7}, total=7):
        last_page.append((result["mam_result"]["id"], result["mam_result"]["forwarded"]["stanza"]["body"]))
    if [body for _, body in last_page] != [f"line {i}" for i in reversed(range(COUNT - 7, COUNT))]:
        fail(f"the last page gave {last_page}")
    pages = [[body for _, body in reversed(last_page)]]
    before = last_page[-1][0]
    for _ in range(10):
        reply = await asyncio.wait_for(romeo["xep_0313"].retrieve(rsm={"max": 7, "before": before}), TIMEOUT)
        page = [message["mam_result"]["forwarded"]["stanza"]["body"] for message in reply["mam"]["results"]]
        pages.insert(0, page)
        before = reply["mam_fin"]["rsm"]["first"]
        if reply["mam_fin"].xml.get("complete") == "true":
            break
    else:
        fail("paging back from the end never reached a complete page")
    if [body for page in pages for body in page] != [f"line {i}" for i in range(COUNT)]:
        fail(f"paging back from the end gave {pages}")
    if pages[0] != [f"line {i}" for i in range(4)]:
        fail(f"the complete first page is {pages[0]}")

    sent = await asyncio.wait_for(collect(juliet, rsm={"max": 10}), TIMEOUT)
    if [body for _, body, _ in sent] != [f"line {i}" for i in range(COUNT)]:
        fail(f"juliet's archive holds {[body for _, body, _ in sent]}")

    for client in (romeo, juliet):
        client.disconnect()
    print("OK")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        fail("usage: slixmpp_mam.py HOST PORT DOMAIN PASSWORD")
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]))
