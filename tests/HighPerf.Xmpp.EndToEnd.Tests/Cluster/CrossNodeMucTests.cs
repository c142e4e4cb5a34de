using System.Xml.Linq;
using HighPerf.Xmpp.Cluster.Store;
using HighPerf.Xmpp.EndToEnd.Tests.Modules;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;
using HighPerf.Xmpp.TestKit.Processes;
using StackExchange.Redis;
using static HighPerf.Xmpp.EndToEnd.Tests.Muc.MucSteps;

namespace HighPerf.Xmpp.EndToEnd.Tests.Cluster;

/// <summary>
/// MUC across two nodes on one Garnet engine: a room lives on the node that touched it first (its placement record),
/// occupants on the other node join, chat, message privately and configure it through the node links exactly as on
/// one node; when a node stops, its occupants leave the rooms on the other, and its rooms are taken over by the
/// next node that gets a stanza for them (persistent ones from the shared store), whose former occupants are told
/// they are not joined and join again.
/// </summary>
public sealed class CrossNodeMucTests : IAsyncLifetime
{
    private const string Secret = "cluster-secret-for-muc-tests";
    private readonly string _prefix = "xm" + Guid.NewGuid().ToString("N")[..8] + ":";
    private GarnetProcess _garnet = null!;
    private ConnectionMultiplexer _observer = null!;
    private int _nodes;

    public async Task InitializeAsync()
    {
        _garnet = await GarnetProcess.StartAsync();
        _observer = await ConnectionMultiplexer.ConnectAsync(
            GarnetDataStore.ConnectionOptions(new GarnetStoreOptions { Endpoints = [_garnet.EndPoint] }, "observer"));
    }

    public async Task DisposeAsync()
    {
        await _observer.DisposeAsync();
        await _garnet.DisposeAsync();
    }

    [Fact]
    public async Task Occupants_on_both_nodes_join_chat_message_privately_and_configure_a_room_that_lives_on_one()
    {
        await using var nodeA = await StartNodeAsync();
        await using var nodeB = await StartNodeAsync();
        foreach (var user in new[] { "alice", "bob", "carol" })
        {
            await nodeA.AddUserAsync(user);
        }

        await using var alice = await XmppTestClient.LoginAsync(nodeA.ClientEndPoint, nodeA.Domain, "alice", "secret", "a");
        var bob = await XmppTestClient.LoginAsync(nodeB.ClientEndPoint, nodeB.Domain, "bob", "secret", "b"); // closed below
        await using var carol = await XmppTestClient.LoginAsync(nodeB.ClientEndPoint, nodeB.Domain, "carol", "secret", "c");
        var room = Room("cross");

        // Alice's node touches the room first: it lives on node A, although its creator and owner is on node B.
        Assert.Equal("item-not-found", await alice.IqErrorAsync("get", "<query xmlns='http://jabber.org/protocol/disco#info'/>", room));
        Assert.StartsWith("a-", Owner(room));
        var created = await bob.CreateRoomAsync(room, "Bob", ("muc#roomconfig_roomname", "Across nodes"), ("muc#roomconfig_whois", "anyone"));
        Assert.Equal("bob@localhost/b", (string?)created.Attribute("to"));
        Assert.StartsWith("a-", Owner(room));

        // The owner on node B reads back the configuration it set on node A.
        var form = await bob.IqResultAsync("get", "<query xmlns='http://jabber.org/protocol/muc#owner'/>", room);
        var name = form.Descendants(Data + "field").Single(f => (string?)f.Attribute("var") == "muc#roomconfig_roomname");
        Assert.Equal("Across nodes", name.Element(Data + "value")?.Value);

        var aliceSelf = await alice.JoinAsync(room, "Alice");
        Assert.Contains(110, Codes(aliceSelf));
        var aliceSeen = await bob.ExpectAsync(e => IsPresenceFrom(e, $"{room}/Alice"));
        Assert.Equal("alice@localhost/a", (string?)Item(aliceSeen)?.Attribute("jid")); // non-anonymous: the real full JID

        // A nickname taken by an occupant on the other node is a conflict (XEP-0045 §7.2.8).
        Assert.Equal("conflict", await carol.JoinErrorAsync(room, "Alice"));
        await carol.JoinAsync(room, "Carol");
        await alice.ExpectAsync(e => IsPresenceFrom(e, $"{room}/Carol"));

        // Groupchat both ways: from the room's node to the other, and from the other node through the room's.
        await alice.SendGroupchatAsync(room, "from node A", "ga");
        foreach (var client in new[] { alice, bob, carol })
        {
            var copy = await client.ExpectGroupchatAsync($"{room}/Alice", "from node A");
            Assert.Equal("ga", (string?)copy.Attribute("id"));
        }

        await bob.SendGroupchatAsync(room, "from node B", "gb");
        foreach (var (client, jid) in new[] { (alice, "alice@localhost/a"), (bob, "bob@localhost/b"), (carol, "carol@localhost/c") })
        {
            var copy = await client.ExpectGroupchatAsync($"{room}/Bob", "from node B");
            Assert.Equal(jid, (string?)copy.Attribute("to"));
        }

        // Private messages across nodes, both ways, with the occupant JID as sender (§7.5).
        await carol.SendAsync($"<message to='{room}/Alice' type='chat' id='pm1'><body>psst</body></message>");
        var private1 = await alice.ExpectAsync(Wire.Reply("pm1"));
        Assert.Equal($"{room}/Carol", (string?)private1.Attribute("from"));
        await alice.SendAsync($"<message to='{room}/Bob' type='chat' id='pm2'><body>hi bob</body></message>");
        Assert.Equal($"{room}/Alice", (string?)(await bob.ExpectAsync(Wire.Reply("pm2"))).Attribute("from"));

        // An owner on node B changes the subject and the configuration; everyone sees the subject.
        await bob.SendAsync($"<message to='{room}' type='groupchat' id='s1'><subject>Cluster talk</subject></message>");
        await alice.ExpectAsync(e => e.Element(Client + "subject")?.Value == "Cluster talk");
        await bob.ConfigureAsync(room, ("muc#roomconfig_roomname", "Renamed"));
        var disco = await alice.IqResultAsync("get", "<query xmlns='http://jabber.org/protocol/disco#info'/>", room);
        Assert.Equal("Renamed", (string?)disco.Descendants(XName.Get("identity", "http://jabber.org/protocol/disco#info")).Single().Attribute("name"));

        // Bob's session ends on node B: the room on node A sees him leave.
        await bob.DisposeAsync();
        var left = await alice.ExpectAsync(e => IsPresenceFrom(e, $"{room}/Bob") && (string?)e.Attribute("type") == "unavailable");
        Assert.NotNull(left);
        await carol.ExpectAsync(e => IsPresenceFrom(e, $"{room}/Bob") && (string?)e.Attribute("type") == "unavailable");
    }

    [Fact]
    public async Task When_the_rooms_node_stops_the_other_node_takes_the_room_over_and_its_occupants_rejoin()
    {
        var nodeA = await StartNodeAsync();
        await using var nodeB = await StartNodeAsync();
        await nodeA.AddUserAsync("alice");
        await nodeA.AddUserAsync("bob");
        var room = Room("durable");
        await using var bob = await XmppTestClient.LoginAsync(nodeB.ClientEndPoint, nodeB.Domain, "bob", "secret", "b");
        await using (var alice = await XmppTestClient.LoginAsync(nodeA.ClientEndPoint, nodeA.Domain, "alice", "secret", "a"))
        {
            await alice.CreateRoomAsync(room, "Alice", ("muc#roomconfig_persistentroom", "1"), ("muc#roomconfig_roomname", "Kept"));
            await bob.JoinAsync(room, "Bob");
            await alice.CreateRoomAsync(Room("fleeting"), "Alice");
            await bob.JoinAsync(Room("fleeting"), "Bob");
            await alice.SendGroupchatAsync(room, "before", "b1");
            await bob.ExpectGroupchatAsync($"{room}/Alice", "before");
            Assert.StartsWith("a-", Owner(room));
            await nodeA.DisposeAsync();
        }

        // Node A is gone: bob's next groupchat is served by node B, which loads the room from the shared store. Bob is
        // not an occupant there, and says so as a single node would to a client that thinks it is joined (§7.4):
        // not-acceptable, on which clients (and XEP-0410 self-pings) join again.
        string? condition = null;
        for (var attempt = 0; attempt < 100 && condition != "not-acceptable"; attempt++)
        {
            await bob.SendGroupchatAsync(room, "after", "a" + attempt);
            condition = Wire.ErrorCondition(await bob.ExpectAsync(e => ((string?)e.Attribute("id"))?.StartsWith('a') == true && (string?)e.Attribute("type") == "error"));
        }

        Assert.Equal("not-acceptable", condition);
        Assert.StartsWith("b-", Owner(room));

        // A temporary room is gone with its node; a XEP-0410 self-ping says "not joined" (not-acceptable, where
        // item-not-found would read as "joined, nick changed").
        await bob.SendAsync($"<iq type='get' to='{Room("fleeting")}/Bob' id='self-ping'><ping xmlns='urn:xmpp:ping'/></iq>");
        Assert.Equal("not-acceptable", Wire.ErrorCondition(await bob.ExpectAsync(Wire.Reply("self-ping"))));
        var self = await bob.JoinAsync(room, "Bob");
        Assert.DoesNotContain(201, Codes(self)); // the stored room, not a new one
        var disco = await bob.IqResultAsync("get", "<query xmlns='http://jabber.org/protocol/disco#info'/>", room);
        Assert.Equal("Kept", (string?)disco.Descendants(XName.Get("identity", "http://jabber.org/protocol/disco#info")).Single().Attribute("name"));
        await bob.SendGroupchatAsync(room, "served by B", "b2");
        await bob.ExpectGroupchatAsync($"{room}/Bob", "served by B");
    }

    private string Owner(string room) => (string?)_observer.GetDatabase().HashGet(_prefix + "muc:placement", room) ?? "";

    private Task<TestServer> StartNodeAsync()
    {
        var name = _nodes++ == 0 ? "a" : "b";
        return TestServer.StartAsync(config => ClusterNodeConfig.Apply(config, _garnet.EndPoint, _prefix, name, Secret));
    }
}
