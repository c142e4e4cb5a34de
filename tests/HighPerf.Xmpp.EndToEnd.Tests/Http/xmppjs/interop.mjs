// xmpp.js (@xmpp/client) over WebSocket against the server: log in (SCRAM-SHA-1, xmpp.js's choice), bind, send a
// chat message to a TCP client, wait for its answer, close. Driven by XmppJsInteropTests; prints progress lines and
// exits 0 only when everything happened.
// usage: node --experimental-websocket interop.mjs <ws-url> <domain> <user> <password> <resource> <peer-full-jid>
import { client, xml } from "@xmpp/client";

const [service, domain, username, password, resource, peer] = process.argv.slice(2);
if (typeof globalThis.WebSocket === "undefined") {
  console.error("no global WebSocket: run node with --experimental-websocket (node 20) or use node >= 22");
  process.exit(3);
}

const timer = setTimeout(() => {
  console.error("TIMEOUT");
  process.exit(2);
}, 45000);

const xmpp = client({ service, domain, username, password, resource });
xmpp.on("error", (err) => console.error("ERROR", err?.message ?? err));
xmpp.on("stanza", async (stanza) => {
  if (stanza.is("message") && stanza.getChildText("body") === "hello from tcp") {
    console.log(`GOT ${stanza.getChildText("body")} from ${stanza.attrs.from}`);
    await xmpp.stop();
    console.log("STOPPED");
    clearTimeout(timer);
    process.exit(0);
  }
});
xmpp.on("online", async (address) => {
  console.log(`ONLINE ${address.toString()}`);
  await xmpp.send(xml("message", { to: peer, type: "chat", id: "js1" }, xml("body", {}, "hello from xmpp.js")));
  console.log("SENT");
});

try {
  await xmpp.start();
} catch (err) {
  console.error("START FAILED", err?.message ?? err);
  process.exit(1);
}
