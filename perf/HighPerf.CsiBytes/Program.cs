using System.Diagnostics;
using System.Text;
using System.Xml.Linq;
using HighPerf.CsiBytes;
using HighPerf.Xmpp.Storage.Abstractions;
using HighPerf.Xmpp.TestKit;

// XEP-0352 bytes: a user with a roster of N contacts (all 'both', all online) watches them change presence K
// times each and send a chat state; bytes read by the watcher's socket (TLS included) are counted while it is
// active, then again while it is inactive (until it turns active again and everything held has arrived).
// Usage: dotnet run -c Release --project perf/HighPerf.CsiBytes -- [contacts=500] [updates=4]
var contacts = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 500;
var updates = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 4;
await using var server = await TestServer.StartAsync();
await server.AddUserAsync("watcher");
var store = server.Host.Server.Store;
var watcherJid = Encoding.UTF8.GetBytes("watcher@localhost");
for (var i = 0; i < contacts; i++)
{
    await server.AddUserAsync($"c{i}");
    var contactJid = Encoding.UTF8.GetBytes($"c{i}@localhost");
    await store.Rosters.SetAsync(watcherJid, new RosterItemRecord { Jid = contactJid, Subscription = SubscriptionState.Both });
    await store.Rosters.SetAsync(contactJid, new RosterItemRecord { Jid = watcherJid, Subscription = SubscriptionState.Both });
}

var clients = new List<XmppTestClient>();
for (var i = 0; i < contacts; i++)
{
    var client = await XmppTestClient.LoginAsync(server.ClientEndPoint, server.Domain, $"c{i}", "secret", "pc");
    await client.SendAsync("<presence/>");
    clients.Add(client);
}

Console.WriteLine($"contacts={contacts} updates/contact={updates} (+1 chat state each)");
var active = await MeasureAsync(inactive: false);
var inactive = await MeasureAsync(inactive: true);
Console.WriteLine($"active:   {active.Bytes,10:N0} B  {active.Stanzas,6} stanzas");
Console.WriteLine($"inactive: {inactive.Bytes,10:N0} B  {inactive.Stanzas,6} stanzas");
Console.WriteLine($"inactive/active bytes: {(double)inactive.Bytes / active.Bytes:F3}");
foreach (var client in clients)
{
    await client.DisposeAsync();
}

return 0;

async Task<(long Bytes, int Stanzas)> MeasureAsync(bool inactive)
{
    var watcher = await XmppTestClient.ConnectAsync(server.ClientEndPoint, server.Domain);
    CountingStream? counter = null;
    watcher.WrapStream(inner => counter = new CountingStream(inner));
    await watcher.OpenStreamAsync();
    await watcher.StartTlsAsync();
    await watcher.AuthenticateAsync("watcher", "secret");
    await watcher.OpenStreamAsync();
    await watcher.BindAsync("phone");
    await watcher.SendAsync("<iq type='get' id='roster'><query xmlns='jabber:iq:roster'/></iq><presence/>");
    await DrainUntilAsync(watcher, "roster");
    await watcher.SendAsync("<iq type='get' id='settled'><ping xmlns='urn:xmpp:ping'/></iq>");
    await DrainUntilAsync(watcher, "settled"); // initial presences of the contacts are in (probes answered locally)
    await Task.Delay(500);
    if (inactive)
    {
        await watcher.SendAsync("<inactive xmlns='urn:xmpp:csi:0'/>");
    }

    await watcher.SendAsync("<iq type='get' id='start'><ping xmlns='urn:xmpp:ping'/></iq>");
    await DrainUntilAsync(watcher, "start");
    var before = counter!.BytesRead;
    var shows = new[] { "away", "dnd", "xa", "chat" };
    var stopwatch = Stopwatch.StartNew();
    for (var round = 0; round < updates; round++)
    {
        foreach (var client in clients)
        {
            await client.SendAsync($"<presence><show>{shows[round % shows.Length]}</show><status>round {round}</status></presence>");
        }
    }

    foreach (var client in clients)
    {
        await client.SendAsync("<message to='watcher@localhost' type='chat'><composing xmlns='http://jabber.org/protocol/chatstates'/></message>");
    }

    // Every contact's stanzas are processed once its own ping is answered.
    for (var i = 0; i < clients.Count; i++)
    {
        await clients[i].SendAsync($"<iq type='get' id='done{i}'><ping xmlns='urn:xmpp:ping'/></iq>");
    }

    for (var i = 0; i < clients.Count; i++)
    {
        await DrainUntilAsync(clients[i], $"done{i}");
    }

    if (inactive)
    {
        await watcher.SendAsync("<active xmlns='urn:xmpp:csi:0'/>");
    }

    await watcher.SendAsync("<iq type='get' id='end'><ping xmlns='urn:xmpp:ping'/></iq>");
    var stanzas = await DrainUntilAsync(watcher, "end");
    var bytes = counter.BytesRead - before;
    Console.WriteLine($"  {(inactive ? "inactive" : "active")}: {stopwatch.ElapsedMilliseconds} ms");
    await watcher.DisposeAsync();
    await Task.Delay(500);
    return (bytes, stanzas);
}

static async Task<int> DrainUntilAsync(XmppTestClient client, string id)
{
    var count = 0;
    await client.ExpectAsync(e =>
    {
        count++;
        return (string?)e.Attribute("id") == id && e.Name.LocalName == "iq";
    }, TimeSpan.FromSeconds(120));
    return count;
}
