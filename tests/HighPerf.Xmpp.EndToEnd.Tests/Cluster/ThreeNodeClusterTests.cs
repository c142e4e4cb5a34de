using System.Net;
using System.Text;
using HighPerf.Xmpp.Cluster.Directory;
using HighPerf.Xmpp.Cluster.Store;
using HighPerf.Xmpp.EndToEnd.Tests.Cli;
using HighPerf.Xmpp.EndToEnd.Tests.Im;
using HighPerf.Xmpp.EndToEnd.Tests.Muc;
using HighPerf.Xmpp.TestKit;
using HighPerf.Xmpp.TestKit.Processes;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace HighPerf.Xmpp.EndToEnd.Tests.Cluster;

/// <summary>
/// Garnet and three nodes, all real child processes: users on different nodes chat over the node links; one node
/// killed with SIGKILL: the others keep chatting, its user leaves the directory within the TTL and its subscribers on
/// the surviving nodes get its unavailable presence, messages sent to
/// that user land in offline storage and are delivered at the next login on a surviving node; the node restarts
/// and rejoins.
/// </summary>
public sealed class ThreeNodeClusterTests : IAsyncLifetime
{
    private const int TtlSeconds = 4;
    private static readonly byte[] Carol = Encoding.UTF8.GetBytes("carol@localhost");
    private readonly string _prefix = "n3" + Guid.NewGuid().ToString("N")[..8] + ":";
    private GarnetProcess _garnet = null!;

    public async Task InitializeAsync() => _garnet = await GarnetProcess.StartAsync();

    public async Task DisposeAsync() => await _garnet.DisposeAsync();

    [Fact]
    public async Task Users_on_three_nodes_chat_and_a_killed_nodes_user_gets_messages_offline_then_the_node_rejoins()
    {
        using var folder1 = Folder("n1");
        using var folder2 = Folder("n2");
        using var folder3 = Folder("n3");
        foreach (var user in new[] { "alice", "bob", "carol" })
        {
            var created = await folder1.RunToExitWithInputAsync("secret\n", "adduser", user + "@localhost");
            Assert.True(created.ExitCode == 0, created.ToString());
        }

        await using var connection = await ConnectionMultiplexer.ConnectAsync(
            GarnetDataStore.ConnectionOptions(new GarnetStoreOptions { Endpoints = [_garnet.EndPoint] }, "observer"));
        await using var observer = await SessionDirectory.StartAsync(connection, new SessionDirectoryOptions
        {
            NodeId = "observer",
            KeyPrefix = _prefix,
            Heartbeat = TimeSpan.FromSeconds(1),
            Ttl = TimeSpan.FromSeconds(TtlSeconds),
        }, NullLogger.Instance);
        await using var store = await GarnetDataStore.ConnectAsync(new GarnetStoreOptions { Endpoints = [_garnet.EndPoint], KeyPrefix = _prefix });

        await using var node1 = folder1.StartServer();
        await using var node2 = folder2.StartServer();
        var node3 = folder3.StartServer();
        var endPoints = new[] { await ListenerOf(node1), await ListenerOf(node2), await ListenerOf(node3) };

        // alice and bob are both subscribed to carol, and she to them (made on node 1, kept in the shared store).
        await BefriendAsync(endPoints[0], "alice", "carol");
        await BefriendAsync(endPoints[0], "bob", "carol");

        await using var alice = await XmppTestClient.LoginAsync(endPoints[0], "localhost", "alice", "secret", "a");
        await using var bob = await XmppTestClient.LoginAsync(endPoints[1], "localhost", "bob", "secret", "b");
        var carol = await XmppTestClient.LoginAsync(endPoints[2], "localhost", "carol", "secret", "c");
        await alice.BecomeAvailableAsync();
        await bob.BecomeAvailableAsync();
        await carol.BecomeAvailableAsync();
        await EventuallyAsync(() => observer.Lookup(Carol), s => s.Length == 1 && s[0].Available, TimeSpan.FromSeconds(20));
        await EventuallyAsync(() => observer.Lookup("bob@localhost"u8), s => s.Length == 1 && s[0].Available, TimeSpan.FromSeconds(20));
        await alice.ExpectPresenceAsync("carol@localhost/c");
        await bob.ExpectPresenceAsync("carol@localhost/c");

        await alice.SendAsync("<message to='bob@localhost' type='chat' id='ab1'><body>1 to 2</body></message>");
        Assert.Equal("alice@localhost/a", (string?)(await bob.ExpectAsync(e => (string?)e.Attribute("id") == "ab1")).Attribute("from"));
        await bob.SendAsync("<message to='carol@localhost/c' type='chat' id='bc1'><body>2 to 3</body></message>");
        Assert.Equal("bob@localhost/b", (string?)(await carol.ExpectAsync(e => (string?)e.Attribute("id") == "bc1")).Attribute("from"));
        await carol.SendAsync("<message to='alice@localhost' type='chat' id='ca1'><body>3 to 1</body></message>");
        Assert.Equal("carol@localhost/c", (string?)(await alice.ExpectAsync(e => (string?)e.Attribute("id") == "ca1")).Attribute("from"));

        var killed = DateTime.UtcNow;
        node3.Signal(9);
        await node3.WaitForExitAsync(TimeSpan.FromSeconds(30));
        await node3.DisposeAsync();
        await carol.DisposeAsync();

        // Sent at once, while the directory may still list carol on the dead node: the link fails and the message
        // is handled as undeliverable there (offline storage), never dropped.
        await alice.SendAsync("<message to='carol@localhost/c' type='chat' id='off1'><body>while node 3 is dead</body></message>");
        try
        {
            await EventuallyAsync(() => observer.Lookup(Carol), s => s.Length == 0, TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            var listed = observer.Lookup(Carol);
            throw new TimeoutException(string.Join("; ", listed.Select(l => $"{l.NodeId} live={observer.IsLive(l.NodeId)} {Encoding.UTF8.GetString(l.Resource)}")) + "\n" + node1.Output[^Math.Min(node1.Output.Length, 3000)..]);
        }

        var took = DateTime.UtcNow - killed;
        Assert.True(took < TimeSpan.FromSeconds((2 * TtlSeconds) + 2), $"took {took}");

        // Each survivor tells its own sessions that carol's session on the dead node is gone (RFC 6121 §4.5.2).
        await alice.ExpectAsync(e => IsUnavailableFrom(e, "carol@localhost/c"), TimeSpan.FromSeconds(30));
        await bob.ExpectAsync(e => IsUnavailableFrom(e, "carol@localhost/c"), TimeSpan.FromSeconds(30));
        took = DateTime.UtcNow - killed;
        Assert.True(took < TimeSpan.FromSeconds((2 * TtlSeconds) + 2), $"unavailable presence took {took}");
        await bob.SendAsync("<message to='carol@localhost' type='chat' id='off2'><body>after the TTL</body></message>");
        await EventuallyAsync(() => store.Offline.Count(Carol), n => n == 2, TimeSpan.FromSeconds(30));

        // The survivors keep chatting.
        await bob.SendAsync("<message to='alice@localhost/a' type='chat' id='ba2'><body>still here</body></message>");
        await alice.ExpectAsync(e => (string?)e.Attribute("id") == "ba2");

        // Carol logs in on a surviving node and gets both messages from the shared offline storage.
        await using (var carolOn1 = await XmppTestClient.LoginAsync(endPoints[0], "localhost", "carol", "secret", "moved"))
        {
            await carolOn1.SendPresenceAsync();
            await carolOn1.ExpectAsync(e => (string?)e.Attribute("id") == "off1");
            await carolOn1.ExpectAsync(e => (string?)e.Attribute("id") == "off2");
        }

        // The node restarts (a new incarnation in the directory) and carries traffic again.
        await using var node3Again = folder3.StartServer();
        var endPoint3 = await ListenerOf(node3Again);
        await using var carolBack = await XmppTestClient.LoginAsync(endPoint3, "localhost", "carol", "secret", "back");
        await carolBack.BecomeAvailableAsync();
        await EventuallyAsync(() => observer.Lookup(Carol), s => s.Length == 1 && s[0].Available, TimeSpan.FromSeconds(20));
        await alice.SendAsync("<message to='carol@localhost/back' type='chat' id='re1'><body>welcome back</body></message>");
        Assert.Equal("alice@localhost/a", (string?)(await carolBack.ExpectAsync(e => (string?)e.Attribute("id") == "re1")).Attribute("from"));
        await carolBack.SendAsync("<message to='bob@localhost' type='chat' id='re2'><body>back on 3</body></message>");
        Assert.Equal("carol@localhost/back", (string?)(await bob.ExpectAsync(e => (string?)e.Attribute("id") == "re2")).Attribute("from"));
    }

    [Fact]
    public async Task Users_on_three_nodes_share_a_room_and_a_killed_nodes_occupant_is_seen_leaving_within_the_ttl()
    {
        using var folder1 = Folder("m1");
        using var folder2 = Folder("m2");
        using var folder3 = Folder("m3");
        foreach (var user in new[] { "alice", "bob", "carol" })
        {
            var created = await folder1.RunToExitWithInputAsync("secret\n", "adduser", user + "@localhost");
            Assert.True(created.ExitCode == 0, created.ToString());
        }

        await using var node1 = folder1.StartServer();
        await using var node2 = folder2.StartServer();
        var node3 = folder3.StartServer();
        var endPoints = new[] { await ListenerOf(node1), await ListenerOf(node2), await ListenerOf(node3) };
        await using var alice = await XmppTestClient.LoginAsync(endPoints[0], "localhost", "alice", "secret", "a");
        await using var bob = await XmppTestClient.LoginAsync(endPoints[1], "localhost", "bob", "secret", "b");
        var carol = await XmppTestClient.LoginAsync(endPoints[2], "localhost", "carol", "secret", "c");

        // The room lives on node 1 (alice creates it); bob on node 2 and carol on node 3 join through the links.
        var room = MucSteps.Room("trio");
        await alice.CreateRoomAsync(room, "Alice");
        await bob.JoinAsync(room, "Bob");
        await carol.JoinAsync(room, "Carol");
        await alice.ExpectAsync(e => MucSteps.IsPresenceFrom(e, $"{room}/Carol"));
        await bob.ExpectAsync(e => MucSteps.IsPresenceFrom(e, $"{room}/Carol"));

        await carol.SendGroupchatAsync(room, "from node 3", "c1");
        await alice.ExpectGroupchatAsync($"{room}/Carol", "from node 3");
        await bob.ExpectGroupchatAsync($"{room}/Carol", "from node 3");
        await bob.SendGroupchatAsync(room, "from node 2", "b1");
        await alice.ExpectGroupchatAsync($"{room}/Bob", "from node 2");
        await carol.ExpectGroupchatAsync($"{room}/Bob", "from node 2");

        // Node 3 dies with carol in the room: once its heartbeat expires the room's node removes her, and both other
        // occupants see her leave (an unavailable presence from her occupant JID).
        node3.Signal(9);
        await node3.WaitForExitAsync(TimeSpan.FromSeconds(30));
        await node3.DisposeAsync();
        await carol.DisposeAsync();
        var deadline = TimeSpan.FromSeconds((3 * TtlSeconds) + 20);
        static bool CarolLeft(System.Xml.Linq.XElement e, string room)
            => MucSteps.IsPresenceFrom(e, $"{room}/Carol") && (string?)e.Attribute("type") == "unavailable";
        await alice.ExpectAsync(e => CarolLeft(e, room), deadline);
        await bob.ExpectAsync(e => CarolLeft(e, room), deadline);

        // The survivors keep chatting in the room.
        await bob.SendGroupchatAsync(room, "still here", "b2");
        await alice.ExpectGroupchatAsync($"{room}/Bob", "still here");
    }

    private CliFolder Folder(string nodeId) => new($$"""
        "cluster": { "enabled": true, "endpoints": ["{{_garnet.EndPoint}}"], "keyPrefix": "{{_prefix}}", "nodeId": "{{nodeId}}",
                     "secret": "three-node-cluster-secret", "heartbeatSeconds": 1, "sessionTtlSeconds": {{TtlSeconds}},
                     "certificate": "{{ClusterTestCertificate.Shared.CertificatePath}}", "key": "{{ClusterTestCertificate.Shared.PrivateKeyPath}}" }
        """);

    private static bool IsUnavailableFrom(System.Xml.Linq.XElement e, string from)
        => e.Name == ImSteps.Client + "presence" && (string?)e.Attribute("from") == from && (string?)e.Attribute("type") == "unavailable";

    /// <summary>Makes <paramref name="a"/> and <paramref name="b"/> mutual contacts ('both'), both logged in on one node to do so.</summary>
    private static async Task BefriendAsync(IPEndPoint node, string a, string b)
    {
        await using var first = await XmppTestClient.LoginAsync(node, "localhost", a, "secret", "setup");
        await using var second = await XmppTestClient.LoginAsync(node, "localhost", b, "secret", "setup");
        await first.BecomeAvailableAsync();
        await second.BecomeAvailableAsync();
        await first.SendAsync($"<presence to='{b}@localhost' type='subscribe'/>");
        await second.ExpectPresenceAsync($"{a}@localhost", "subscribe");
        await second.SendAsync($"<presence to='{a}@localhost' type='subscribed'/>");
        await second.SendAsync($"<presence to='{a}@localhost' type='subscribe'/>");
        await first.ExpectPresenceAsync($"{b}@localhost", "subscribe");
        await first.SendAsync($"<presence to='{b}@localhost' type='subscribed'/>");
        await second.ExpectPresenceAsync($"{a}@localhost", "subscribed");
    }

    private static Task<IPEndPoint> ListenerOf(ServerProcess node) => node.WaitForListenerAsync(timeout: TimeSpan.FromSeconds(60));

    private static Task<T> EventuallyAsync<T>(Func<T> read, Func<T, bool> done, TimeSpan timeout)
        => CrossNodeRoutingTests.EventuallyAsync(read, done, timeout);
}
