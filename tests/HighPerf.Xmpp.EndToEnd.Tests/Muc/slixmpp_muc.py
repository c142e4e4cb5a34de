#!/usr/bin/python3
"""Interop check of the MUC service (XEP-0045) with slixmpp's xep_0045 plugin.

Romeo creates a room by joining it (status 201), reads the muc#owner configuration form, renames the room and
submits it; Juliet joins; both see each other's presence and exchange groupchat messages; Romeo kicks Juliet,
who receives her unavailable presence with status 307. Exit code 0 and "OK" on success; on failure the reason
goes to stderr and the exit code is 1.

usage: slixmpp_muc.py HOST PORT ROMEO_JID JULIET_JID PASSWORD ROOM
"""
import asyncio
import ssl
import sys

import slixmpp

TIMEOUT = 20


class Client(slixmpp.ClientXMPP):
    def __init__(self, jid, password):
        super().__init__(jid, password, sasl_mech="SCRAM-SHA-256")
        self.ssl_context.check_hostname = False
        self.ssl_context.verify_mode = ssl.CERT_NONE
        self.register_plugin("xep_0030")
        self.register_plugin("xep_0045")
        self.register_plugin("xep_0004")
        self.ready = asyncio.Event()
        self.add_event_handler("session_start", self.on_start)

    async def on_start(self, _):
        self.send_presence()
        await self.get_roster()
        self.ready.set()


def fail(reason):
    print(f"FAIL: {reason}", file=sys.stderr)
    sys.exit(1)


async def connect(host, port, jid, password):
    client = Client(jid, password)
    client.connect((host, port), force_starttls=True)
    try:
        await asyncio.wait_for(client.ready.wait(), TIMEOUT)
    except asyncio.TimeoutError:
        fail(f"{jid}: the session did not start in time")
    return client


async def expect(queue, what):
    try:
        return await asyncio.wait_for(queue.get(), TIMEOUT)
    except asyncio.TimeoutError:
        fail(f"timed out waiting for {what}")


async def main(host, port, romeo_jid, juliet_jid, password, room):
    romeo = await connect(host, port, romeo_jid, password)
    juliet = await connect(host, port, juliet_jid, password)
    muc_r = romeo["xep_0045"]
    muc_j = juliet["xep_0045"]

    romeo_messages, juliet_messages = asyncio.Queue(), asyncio.Queue()
    romeo_online, juliet_presence = asyncio.Queue(), asyncio.Queue()
    romeo.add_event_handler(f"muc::{room}::message", romeo_messages.put_nowait)
    juliet.add_event_handler(f"muc::{room}::message", juliet_messages.put_nowait)
    romeo.add_event_handler(f"muc::{room}::got_online", romeo_online.put_nowait)
    juliet.add_event_handler(f"muc::{room}::presence", juliet_presence.put_nowait)

    own, _subject, _occupants, _history = await muc_r.join_muc_wait(room, "Romeo", timeout=TIMEOUT)
    if 201 not in own["muc"]["status_codes"]:
        fail(f"creating the room gave status codes {own['muc']['status_codes']}, not 201")
    if own["muc"]["affiliation"] != "owner":
        fail(f"the creator is {own['muc']['affiliation']}, not owner")

    form = await muc_r.get_room_config(room, timeout=TIMEOUT)
    fields = form.get_fields()
    for needed in ("muc#roomconfig_roomname", "muc#roomconfig_persistentroom", "muc#roomconfig_membersonly", "muc#roomconfig_whois"):
        if needed not in fields:
            fail(f"the configuration form lacks {needed}")
    form.set_values({"muc#roomconfig_roomname": "Verona", "muc#roomconfig_whois": "anyone"})
    await muc_r.set_room_config(room, form, timeout=TIMEOUT)

    info = await romeo["xep_0030"].get_info(jid=room, timeout=TIMEOUT)
    names = [name for category, kind, _, name in info["disco_info"]["identities"] if category == "conference"]
    if names != ["Verona"]:
        fail(f"the room's disco#info names it {names}, not Verona")
    if "muc_nonanonymous" not in info["disco_info"]["features"]:
        fail("the submitted whois=anyone is not reflected in disco#info")

    own_j, _subject, occupants, _history = await muc_j.join_muc_wait(room, "Juliet", timeout=TIMEOUT)
    if "Romeo" not in [p["from"].resource for p in occupants]:
        fail(f"Juliet did not see Romeo's presence (saw {[str(p['from']) for p in occupants]})")
    seen = await expect(romeo_online, "Juliet's presence at Romeo")
    while seen["from"].resource == "Romeo":  # Romeo's own entry came first
        seen = await expect(romeo_online, "Juliet's presence at Romeo")
    if seen["from"].resource != "Juliet" or seen["muc"]["jid"].bare != juliet_jid.split("/")[0]:
        fail(f"Romeo saw {seen['from']} with jid {seen['muc']['jid']}")

    romeo.send_message(mto=room, mbody="But soft, what light", mtype="groupchat")
    for queue, who in ((juliet_messages, "Juliet"), (romeo_messages, "Romeo")):
        msg = await expect(queue, f"Romeo's message at {who}")
        if msg["from"].resource != "Romeo" or msg["body"] != "But soft, what light":
            fail(f"{who} got {msg}")
    juliet.send_message(mto=room, mbody="Ay me", mtype="groupchat")
    msg = await expect(romeo_messages, "Juliet's message at Romeo")
    while msg["from"].resource != "Juliet":
        msg = await expect(romeo_messages, "Juliet's message at Romeo")
    if msg["body"] != "Ay me":
        fail(f"Romeo got {msg}")

    await muc_r.set_role(room, "Juliet", "none", reason="Banished", timeout=TIMEOUT)
    while True:
        pres = await expect(juliet_presence, "Juliet's kick presence")
        if pres["from"].resource == "Juliet" and pres["type"] == "unavailable":
            break
    codes = pres["muc"]["status_codes"]
    if 307 not in codes or 110 not in codes:
        fail(f"the kicked occupant got status codes {codes}, not 307 and 110")

    romeo.disconnect()
    juliet.disconnect()
    print("OK")


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:7]))
