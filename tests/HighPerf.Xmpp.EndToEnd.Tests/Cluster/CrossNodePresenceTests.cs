using HighPerf.Xmpp.Cluster.Directory;
using HighPerf.Xmpp.Core.Cluster;
using HighPerf.Xmpp.EndToEnd.Tests.Im;
using HighPerf.Xmpp.EndToEnd.Tests.Mobile;
using HighPerf.Xmpp.TestKit;
using HighPerf.Xmpp.TestKit.Processes;

namespace HighPerf.Xmpp.EndToEnd.Tests.Cluster;

/// <summary>
/// RFC 6121 presence across two nodes on one Garnet engine: a broadcast reaches the subscribers' sessions on the
/// other node as one frame for that node, fanned out there with the recipient's checks (blocking); a login gets the
/// current presence of contacts bound on the other node (probes answered across nodes); the user's own resources on
/// the other node see each other; a session's end without unavailable presence is owed across nodes too.
/// </summary>
public sealed class CrossNodePresenceTests : IAsyncLifetime
{
    private const string Secret = "cluster-secret-for-tests";
    private readonly string _prefix = "xp" + Guid.NewGuid().ToString("N")[..8] + ":";
    private GarnetProcess _garnet = null!;
    private TestServer _nodeA = null!;
    private TestServer _nodeB = null!;

    public async Task InitializeAsync()
    {
        _garnet = await GarnetProcess.StartAsync();
        _nodeA = await StartNodeAsync("a");
        _nodeB = await StartNodeAsync("b");
        foreach (var user in new[] { "alice", "bob", "carol" })
        {
            await _nodeA.AddUserAsync(user);
        }

        // Subscriptions made on one node (in the shared store): alice↔bob and alice↔carol are 'both'.
        await MobileSteps.BefriendAsync(_nodeA, "alice", "bob");
        await MobileSteps.BefriendAsync(_nodeA, "alice", "carol");
    }

    public async Task DisposeAsync()
    {
        await _nodeA.DisposeAsync();
        await _nodeB.DisposeAsync();
        await _garnet.DisposeAsync();
    }

    [Fact]
    public async Task A_broadcast_reaches_subscribers_on_the_other_node_and_a_login_gets_their_presence_back()
    {
        await using var bobHome = await ImSteps.OnlineAsync(_nodeB, "bob", "home");
        await using var bobWork = await ImSteps.OnlineAsync(_nodeB, "bob", "work");
        await using var carol = await ImSteps.OnlineAsync(_nodeB, "carol", "c");

        await using var alice = await XmppTestClient.LoginAsync(_nodeA.ClientEndPoint, _nodeA.Domain, "alice", "secret", "a");
        await alice.GetRosterAsync();
        await alice.SendAsync("<presence><show>away</show></presence>");
        foreach (var watcher in new[] { bobHome, bobWork, carol })
        {
            var seen = await watcher.ExpectPresenceAsync("alice@localhost/a");
            Assert.Equal("away", seen.Element(ImSteps.Client + "show")?.Value);
            Assert.Equal(watcher.Jid, (string?)seen.Attribute("to"));
        }

        // The probes went to node B, whose sessions answered: alice has the presence of all three.
        await alice.ExpectPresenceAsync("bob@localhost/home");
        await alice.ExpectPresenceAsync("bob@localhost/work");
        await alice.ExpectPresenceAsync("carol@localhost/c");

        // A status change for three subscribed sessions on node B is one frame on the link to B.
        var link = LinkFrom(_nodeA, to: _nodeB);
        var before = link.FramesSent;
        await alice.SendAsync("<presence><show>dnd</show></presence>");
        foreach (var watcher in new[] { bobHome, bobWork, carol })
        {
            var seen = await watcher.ExpectPresenceAsync("alice@localhost/a");
            Assert.Equal("dnd", seen.Element(ImSteps.Client + "show")?.Value);
        }

        Assert.Equal(before + 1, link.FramesSent);

        // Unavailable on logout goes across too.
        await alice.SendAsync("<presence type='unavailable'/>");
        await bobHome.ExpectPresenceAsync("alice@localhost/a", "unavailable");
        await carol.ExpectPresenceAsync("alice@localhost/a", "unavailable");
    }

    [Fact]
    public async Task Presence_does_not_cross_nodes_to_users_without_a_subscription_or_to_a_blocking_user()
    {
        await _nodeB.AddUserAsync("eve");
        await using var eve = await ImSteps.OnlineAsync(_nodeB, "eve", "e");
        await using var carol = await ImSteps.OnlineAsync(_nodeB, "carol", "c");
        await using var bob = await ImSteps.OnlineAsync(_nodeB, "bob", "b");
        await bob.SendAsync("<iq type='set' id='blk'><block xmlns='urn:xmpp:blocking'><item jid='alice@localhost'/></block></iq>");
        await bob.ExpectAsync(e => ImSteps.IsResponse(e, "blk"));

        await using var alice = await XmppTestClient.LoginAsync(_nodeA.ClientEndPoint, _nodeA.Domain, "alice", "secret", "a");
        await alice.GetRosterAsync();
        await alice.SendAsync("<presence/>");
        await carol.ExpectPresenceAsync("alice@localhost/a");
        await alice.ExpectPresenceAsync("carol@localhost/c");

        // bob blocks alice: neither side's presence reaches the other; eve has no subscription at all.
        await bob.ExpectNothingElseAsync(e => e.Name.LocalName != "presence" || (string?)e.Attribute("from") != "alice@localhost/a");
        await eve.ExpectNothingElseAsync(e => e.Name.LocalName != "presence" || (string?)e.Attribute("from") != "alice@localhost/a");
        await bob.SendAsync("<presence><show>chat</show></presence>");
        await bob.ExpectPresenceAsync("bob@localhost/b");
        await carol.SendAsync("<presence><show>xa</show></presence>");
        var fromCarol = await alice.ExpectPresenceAsync("carol@localhost/c");
        Assert.Equal("xa", fromCarol.Element(ImSteps.Client + "show")?.Value);
        await alice.ExpectNothingElseAsync(e => e.Name.LocalName != "presence" || ((string?)e.Attribute("from"))?.StartsWith("bob@", StringComparison.Ordinal) != true);
    }

    [Fact]
    public async Task Own_resources_on_two_nodes_see_each_other_and_an_abrupt_disconnect_is_announced_across()
    {
        await using var bob = await ImSteps.OnlineAsync(_nodeB, "bob", "b");
        await using var aliceOnB = await ImSteps.OnlineAsync(_nodeB, "alice", "tablet");
        var aliceOnA = await XmppTestClient.LoginAsync(_nodeA.ClientEndPoint, _nodeA.Domain, "alice", "secret", "phone");
        await aliceOnA.GetRosterAsync();
        await aliceOnA.SendAsync("<presence><priority>3</priority></presence>");
        await aliceOnB.ExpectPresenceAsync("alice@localhost/phone");
        await aliceOnA.ExpectPresenceAsync("alice@localhost/tablet");
        await aliceOnA.ExpectPresenceAsync("bob@localhost/b");
        await bob.ExpectPresenceAsync("alice@localhost/phone");

        // The connection drops without an unavailable presence (RFC 6121 §4.5.2): node A owes it to both.
        await aliceOnA.DisposeAsync(); // the socket closes without </stream:stream>
        await bob.ExpectPresenceAsync("alice@localhost/phone", "unavailable");
        await aliceOnB.ExpectPresenceAsync("alice@localhost/phone", "unavailable");
    }

    [Fact]
    public async Task Directed_presence_reaches_a_user_bound_only_on_the_other_node_and_its_unavailable_follows_at_logout()
    {
        // bob and carol have no subscription: only directed presence (RFC 6121 §4.6) goes between them.
        await using var carol = await ImSteps.OnlineAsync(_nodeB, "carol", "c");
        var bob = await ImSteps.OnlineAsync(_nodeA, "bob", "b");

        await bob.SendAsync("<presence to='carol@localhost/c'><status>to the full JID</status></presence>");
        var full = await carol.ExpectPresenceAsync("bob@localhost/b");
        Assert.Equal("to the full JID", full.Element(ImSteps.Client + "status")?.Value);
        Assert.Equal("carol@localhost/c", (string?)full.Attribute("to"));

        await bob.SendAsync("<presence to='carol@localhost'><status>to the bare JID</status></presence>");
        var bare = await carol.ExpectPresenceAsync("bob@localhost/b");
        Assert.Equal("to the bare JID", bare.Element(ImSteps.Client + "status")?.Value);

        // bob's connection drops: node A owes carol, a directed-presence recipient on node B, his unavailable.
        await bob.DisposeAsync();
        await carol.ExpectPresenceAsync("bob@localhost/b", "unavailable");
    }

    [Fact]
    public async Task Directed_presence_to_a_bare_jid_whose_resources_are_all_on_the_other_node_gets_its_unavailable_at_logout()
    {
        await using var carol = await ImSteps.OnlineAsync(_nodeB, "carol", "c");
        var bob = await ImSteps.OnlineAsync(_nodeA, "bob", "b");

        // Only the bare JID this time (RFC 6121 §4.6.3: the unavailable goes to each entity directed presence went to).
        await bob.SendAsync("<presence to='carol@localhost'><status>to the bare JID only</status></presence>");
        Assert.Equal("to the bare JID only", (await carol.ExpectPresenceAsync("bob@localhost/b")).Element(ImSteps.Client + "status")?.Value);

        await bob.DisposeAsync();
        await carol.ExpectPresenceAsync("bob@localhost/b", "unavailable");
    }

    private static NodeLink LinkFrom(TestServer from, TestServer to)
    {
        var links = ((ClusterRoutes)from.Host.Server.Cluster!).Links;
        var target = ((ClusterRoutes)to.Host.Server.Cluster!).Links.NodeId;
        return links.Get(target);
    }

    private Task<TestServer> StartNodeAsync(string name)
        => TestServer.StartAsync(config => ClusterNodeConfig.Apply(config, _garnet.EndPoint, _prefix, name, Secret));
}
