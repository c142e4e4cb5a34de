#!/usr/bin/python3
"""Interop check of PEP (XEP-0163) and its XEP-0060 subset with slixmpp's xep_0060, xep_0163, xep_0084 and xep_0172.

Two slixmpp clients log in over STARTTLS with SCRAM-SHA-256: alice and bob, mutual contacts beforehand.
- alice publishes her nickname (xep_0172) while bob is offline; bob comes online with caps (xep_0115) asking for
  nick and avatar metadata notifications and receives the last nickname (the server asked his caps first).
- alice publishes an avatar (xep_0084: data, then metadata); bob is notified of the metadata and retrieves the data
  by its id.
- alice publishes a bookmark (XEP-0402, raw payload through xep_0060 with publish-options: whitelist, max items);
  she reads it back, bob's request is refused (not-allowed); she whitelists bob (modify_affiliations), who then
  reads it and sees his member affiliation; an explicit subscribe is refused (feature-not-implemented).
Exit code 0 and "OK" on success; on failure the reason goes to stderr and the exit code is 1.

usage: slixmpp_pep.py HOST PORT DOMAIN PASSWORD
"""
import asyncio
import base64
import ssl
import sys
import xml.etree.ElementTree as ET

import slixmpp
from slixmpp import JID
from slixmpp.exceptions import IqError

TIMEOUT = 20
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
BOOKMARKS = "urn:xmpp:bookmarks:1"


def fail(reason):
    print(f"FAIL: {reason}", file=sys.stderr)
    sys.exit(1)


class Client(slixmpp.ClientXMPP):
    def __init__(self, jid, password):
        super().__init__(jid, password, sasl_mech="SCRAM-SHA-256")
        self.ssl_context.check_hostname = False
        self.ssl_context.verify_mode = ssl.CERT_NONE
        for plugin in ("xep_0030", "xep_0004", "xep_0060", "xep_0115", "xep_0163", "xep_0084", "xep_0172"):
            self.register_plugin(plugin)
        self.ready = asyncio.Event()
        self.nicks = asyncio.Queue()
        self.avatars = asyncio.Queue()
        self.add_event_handler("session_start", lambda _: self.ready.set())
        self.add_event_handler("user_nick_publish", lambda msg: self.nicks.put_nowait(msg))
        self.add_event_handler("avatar_metadata_publish", lambda msg: self.avatars.put_nowait(msg))


async def login(host, port, jid, password):
    client = Client(jid, password)
    client.connect((host, port), force_starttls=True)
    try:
        await asyncio.wait_for(client.ready.wait(), TIMEOUT)
    except asyncio.TimeoutError:
        fail(f"{jid}: the session did not start in time")
    return client


def options(client, **fields):
    form = client["xep_0004"].make_form(ftype="submit")
    form.add_field(var="FORM_TYPE", ftype="hidden", value="http://jabber.org/protocol/pubsub#publish-options")
    for name, value in fields.items():
        form.add_field(var=f"pubsub#{name}", value=value)
    return form


async def main(host, port, domain, password):
    alice = await login(host, port, f"alice@{domain}/interop", password)
    info = await alice["xep_0030"].get_info(jid=JID(f"alice@{domain}"), timeout=TIMEOUT)
    if ("pubsub", "pep", None, None) not in info["disco_info"]["identities"]:
        fail(f"the account shows no pubsub/pep identity: {info['disco_info']['identities']}")
    await alice["xep_0172"].publish_nick("Alice", timeout=TIMEOUT)

    bob = await login(host, port, f"bob@{domain}/interop", password)
    bob.send_presence()
    msg = await asyncio.wait_for(bob.nicks.get(), TIMEOUT)
    if msg["from"].bare != f"alice@{domain}" or msg["pubsub_event"]["items"]["item"]["nick"]["nick"] != "Alice":
        fail(f"bob got an unexpected last nickname: {msg}")

    avatar_id = alice["xep_0084"].generate_id(PNG)
    await alice["xep_0084"].publish_avatar(PNG, timeout=TIMEOUT)
    await alice["xep_0084"].publish_avatar_metadata(
        [{"id": avatar_id, "type": "image/png", "bytes": str(len(PNG)), "width": "1", "height": "1"}], timeout=TIMEOUT)
    msg = await asyncio.wait_for(bob.avatars.get(), TIMEOUT)
    info = msg["pubsub_event"]["items"]["item"]["avatar_metadata"]["info"]
    if info["id"] != avatar_id:
        fail(f"the metadata names {info['id']}, not {avatar_id}")
    iq = await bob["xep_0084"].retrieve_avatar(JID(f"alice@{domain}"), avatar_id, timeout=TIMEOUT)
    if iq["pubsub"]["items"]["item"]["avatar_data"]["value"] != PNG:
        fail("the avatar data bob retrieved differs from what alice published")

    bookmark = ET.fromstring(f"<conference xmlns='{BOOKMARKS}' name='Coven' autojoin='true'><nick>alice</nick></conference>")
    await alice["xep_0060"].publish(None, BOOKMARKS, id=f"coven@conference.{domain}", payload=bookmark,
                                    options=options(alice, persist_items="true", max_items="max", access_model="whitelist"),
                                    timeout=TIMEOUT)
    own = await alice["xep_0060"].get_items(None, BOOKMARKS, timeout=TIMEOUT)
    ids = [item["id"] for item in own["pubsub"]["items"]]
    if ids != [f"coven@conference.{domain}"]:
        fail(f"alice's bookmarks are {ids}")
    try:
        await bob["xep_0060"].get_items(JID(f"alice@{domain}"), BOOKMARKS, timeout=TIMEOUT)
        fail("bob read alice's whitelist bookmarks")
    except IqError as error:
        if error.condition != "not-allowed":
            fail(f"bob's bookmark request failed with {error.condition}, not not-allowed")

    # alice whitelists bob (xep_0060 modify_affiliations, XEP-0060 §8.9); bob reads the node and sees his affiliation.
    await alice["xep_0060"].modify_affiliations(None, BOOKMARKS, affiliations=[(JID(f"bob@{domain}"), "member")], timeout=TIMEOUT)
    listed = await alice["xep_0060"].get_node_affiliations(None, BOOKMARKS, timeout=TIMEOUT)
    pairs = sorted((str(a["jid"]), a["affiliation"]) for a in listed["pubsub_owner"]["affiliations"])
    if pairs != [(f"alice@{domain}", "owner"), (f"bob@{domain}", "member")]:
        fail(f"the node's affiliations are {pairs}")
    shared = await bob["xep_0060"].get_items(JID(f"alice@{domain}"), BOOKMARKS, timeout=TIMEOUT)
    if [item["id"] for item in shared["pubsub"]["items"]] != [f"coven@conference.{domain}"]:
        fail("bob, whitelisted, did not get the bookmark")
    mine = await bob["xep_0060"].get_affiliations(JID(f"alice@{domain}"), timeout=TIMEOUT)
    if [(a["node"], a["affiliation"]) for a in mine["pubsub"]["affiliations"]] != [(BOOKMARKS, "member")]:
        fail(f"bob's affiliations at alice are {mine['pubsub']['affiliations']}")
    try:
        await bob["xep_0060"].subscribe(JID(f"alice@{domain}"), BOOKMARKS, timeout=TIMEOUT)
        fail("an explicit subscribe to a PEP node succeeded")
    except IqError as error:
        if error.condition != "feature-not-implemented":
            fail(f"subscribe failed with {error.condition}, not feature-not-implemented")

    for client in (alice, bob):
        client.disconnect()
    print("OK")


if __name__ == "__main__":
    if len(sys.argv) != 5:
        fail("usage: slixmpp_pep.py HOST PORT DOMAIN PASSWORD")
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]))
