#!/usr/bin/python3
"""Interop check of the server modules with an independent client library (slixmpp).

One slixmpp client logs in over STARTTLS with SCRAM-SHA-256 and asks the server for service discovery
(XEP-0030 disco#info: identity server/im and the expected features), a ping (XEP-0199) and its software
version (XEP-0092). Exit code 0 and "OK" on success; on failure the reason goes to stderr and the exit code is 1.

usage: slixmpp_modules.py HOST PORT JID PASSWORD DOMAIN
"""
import asyncio
import ssl
import sys

import slixmpp

TIMEOUT = 20
EXPECTED_FEATURES = {
    "http://jabber.org/protocol/disco#info",
    "http://jabber.org/protocol/disco#items",
    "urn:xmpp:ping",
    "jabber:iq:version",
}


class Client(slixmpp.ClientXMPP):
    def __init__(self, jid, password):
        super().__init__(jid, password, sasl_mech="SCRAM-SHA-256")
        # The test server's certificate is self-signed.
        self.ssl_context.check_hostname = False
        self.ssl_context.verify_mode = ssl.CERT_NONE
        self.register_plugin("xep_0030")
        self.register_plugin("xep_0199")
        self.register_plugin("xep_0092")
        self.ready = asyncio.Event()
        self.failed = asyncio.Event()
        self.add_event_handler("session_start", lambda _: self.ready.set())
        self.add_event_handler("failed_auth", lambda _: self.failed.set())


def fail(reason):
    print(f"FAIL: {reason}", file=sys.stderr)
    sys.exit(1)


async def main(host, port, jid, password, domain):
    client = Client(jid, password)
    client.connect((host, port), force_starttls=True)
    ready = asyncio.ensure_future(client.ready.wait())
    failed = asyncio.ensure_future(client.failed.wait())
    done, _ = await asyncio.wait([ready, failed], timeout=TIMEOUT, return_when=asyncio.FIRST_COMPLETED)
    if ready not in done:
        fail("authentication failed" if failed in done else "the session did not start in time")

    info = await client["xep_0030"].get_info(jid=domain, timeout=TIMEOUT)
    identities = {(category, kind) for category, kind, _, _ in info["disco_info"]["identities"]}
    if ("server", "im") not in identities:
        fail(f"disco#info identities {identities} lack server/im")
    features = set(info["disco_info"]["features"])
    missing = EXPECTED_FEATURES - features
    if missing:
        fail(f"disco#info features lack {sorted(missing)} (got {sorted(features)})")
    print(f"disco#info: {len(features)} features")

    rtt = await client["xep_0199"].ping(jid=domain, timeout=TIMEOUT)
    print(f"ping: {rtt * 1000:.1f} ms")

    version = await client["xep_0092"].get_version(domain, timeout=TIMEOUT)
    software = version["software_version"]
    if software["name"] != "HighPerf XMPP" or not software["version"]:
        fail(f"unexpected software version {software['name']!r} {software['version']!r}")
    print(f"version: {software['name']} {software['version']}")

    client.disconnect()
    print("OK")


if __name__ == "__main__":
    if len(sys.argv) != 6:
        fail(__doc__)
    asyncio.run(asyncio.wait_for(main(sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]), TIMEOUT * 4))
