"""Two slixmpp clients become mutual contacts, see each other's presence, chat, and one receives a
message sent while it was offline. Usage: interop_im.py HOST PORT DOMAIN. Exit code 0 on success."""
import asyncio
import logging
import ssl
import sys

import slixmpp

HOST, PORT, DOMAIN = sys.argv[1], int(sys.argv[2]), sys.argv[3]
TIMEOUT = 20


class Client(slixmpp.ClientXMPP):
    def __init__(self, user, resource):
        super().__init__(f"{user}@{DOMAIN}/{resource}", "secret")
        self.ssl_context.check_hostname = False
        self.ssl_context.verify_mode = ssl.CERT_NONE
        self.messages = asyncio.Queue()
        self.online = asyncio.Queue()
        self.roster.auto_authorize = True
        self.roster.auto_subscribe = True
        self.add_event_handler("message", lambda m: self.messages.put_nowait(m) if m["body"] else None)
        self.add_event_handler("got_online", lambda p: self.online.put_nowait(p["from"].bare))
        self.add_event_handler("session_start", self.start)

    async def start(self, _):
        await self.get_roster()
        self.send_presence()

    async def connected(self):
        self.connect((HOST, PORT))
        await asyncio.wait_for(self.wait_until("session_start"), TIMEOUT)


async def expect(queue, predicate, what):
    async def loop():
        while True:
            item = await queue.get()
            if predicate(item):
                return item
    try:
        return await asyncio.wait_for(loop(), TIMEOUT)
    except asyncio.TimeoutError:
        raise SystemExit(f"timed out waiting for {what}")


async def main():
    romeo, juliet = Client("romeo", "orchard"), Client("juliet", "balcony")
    await romeo.connected()
    await juliet.connected()

    romeo.send_presence(pto=f"juliet@{DOMAIN}", ptype="subscribe")
    await expect(romeo.online, lambda j: j == f"juliet@{DOMAIN}", "juliet online at romeo")
    await expect(juliet.online, lambda j: j == f"romeo@{DOMAIN}", "romeo online at juliet")
    # auto_subscribe makes each side ask back; wait until both rosters say 'both'.
    for jid, client in ((f"juliet@{DOMAIN}", romeo), (f"romeo@{DOMAIN}", juliet)):
        for _ in range(TIMEOUT * 10):
            if client.client_roster[jid]["subscription"] == "both":
                break
            await asyncio.sleep(0.1)
        else:
            sub = client.client_roster[jid]["subscription"]
            raise SystemExit(f"{client.boundjid.bare} has subscription {sub} to {jid}")

    romeo.send_message(mto=f"juliet@{DOMAIN}", mbody="wherefore", mtype="chat")
    await expect(juliet.messages, lambda m: m["body"] == "wherefore", "message to juliet")
    juliet.send_message(mto=f"romeo@{DOMAIN}", mbody="art thou", mtype="chat")
    await expect(romeo.messages, lambda m: m["body"] == "art thou", "message to romeo")

    juliet.disconnect()
    await asyncio.wait_for(juliet.wait_until("disconnected"), TIMEOUT)
    romeo.send_message(mto=f"juliet@{DOMAIN}", mbody="while you slept", mtype="chat")
    await asyncio.sleep(0.5)

    returning = Client("juliet", "balcony2")
    await returning.connected()
    await expect(returning.messages, lambda m: m["body"] == "while you slept", "offline message")

    romeo.disconnect()
    returning.disconnect()
    await asyncio.sleep(0.3)
    print("ok")


logging.basicConfig(level=logging.ERROR)
asyncio.run(main())
