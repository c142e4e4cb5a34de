using HighPerf.Xmpp.Cluster.Directory;
using HighPerf.Xmpp.EndToEnd.Tests.Modules;
using HighPerf.Xmpp.TestKit;
using HighPerf.Xmpp.TestKit.Processes;
using static HighPerf.Xmpp.EndToEnd.Tests.Mobile.MobileSteps;

namespace HighPerf.Xmpp.EndToEnd.Tests.Cluster;

/// <summary>
/// XEP-0280 across two nodes: a user with resources on both gets received carbons of messages delivered to another
/// resource (full JID here or there, bare JID by priority over both nodes) and sent carbons of what another resource
/// sends, exactly as on one node; a message to a bare JID whose sessions elsewhere are not available goes to offline
/// storage, as it would on one node.
/// </summary>
public sealed class CrossNodeCarbonsTests : IAsyncLifetime
{
    private const string Secret = "cluster-secret-for-tests";
    private readonly string _prefix = "xc" + Guid.NewGuid().ToString("N")[..8] + ":";
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
    }

    public async Task DisposeAsync()
    {
        await _nodeA.DisposeAsync();
        await _nodeB.DisposeAsync();
        await _garnet.DisposeAsync();
    }

    [Fact]
    public async Task A_user_with_resources_on_two_nodes_gets_received_and_sent_carbons_from_both()
    {
        await using var alice = await XmppTestClient.LoginAsync(_nodeA.ClientEndPoint, _nodeA.Domain, "alice", "secret", "a");
        await using var b1 = await XmppTestClient.LoginAsync(_nodeA.ClientEndPoint, _nodeA.Domain, "bob", "secret", "b1");
        await using var b2 = await XmppTestClient.LoginAsync(_nodeB.ClientEndPoint, _nodeB.Domain, "bob", "secret", "b2");
        await using var b3 = await XmppTestClient.LoginAsync(_nodeB.ClientEndPoint, _nodeB.Domain, "bob", "secret", "b3");
        await alice.BecomeAvailableAsync();
        await b1.BecomeAvailableAsync(1);
        await b2.BecomeAvailableAsync(5);
        await b3.BecomeAvailableAsync(0);
        foreach (var bob in new[] { b1, b2, b3 })
        {
            await bob.IqResultAsync("set", "<enable xmlns='urn:xmpp:carbons:2'/>");
        }

        // Wait until node A's directory lists bob's sessions on B as available (the bare-JID rule needs them).
        var routes = (ClusterRoutes)_nodeA.Host.Server.Cluster!;
        await CrossNodeRoutingTests.EventuallyAsync(() => routes.HighestRemotePriority("bob@localhost"u8), p => p == 5, TimeSpan.FromSeconds(30));

        // Full JID here: the two resources on node B get the received carbon.
        await alice.SendAsync("<message to='bob@localhost/b1' type='chat' id='m1'><body>to b1</body></message>");
        await b1.ExpectAsync(e => IsMessage(e, "m1"));
        await b2.ExpectAsync(e => IsCarbon(e, "received", "m1"));
        await b3.ExpectAsync(e => IsCarbon(e, "received", "m1"));

        // Full JID on node B: b1 (here) and b3 (there) get the carbon, b2 the message only.
        await alice.SendAsync("<message to='bob@localhost/b2' type='chat' id='m2'><body>to b2</body></message>");
        await b2.ExpectAsync(e => IsMessage(e, "m2"));
        await b1.ExpectAsync(e => IsCarbon(e, "received", "m2"));
        await b3.ExpectAsync(e => IsCarbon(e, "received", "m2"));

        // Bare JID: b2 has the highest priority over both nodes and gets it; b1 and b3 get carbons.
        await alice.SendAsync("<message to='bob@localhost' type='chat' id='m3'><body>to bob</body></message>");
        var m3 = await b2.ExpectAsync(e => IsMessage(e, "m3"));
        Assert.Equal("alice@localhost/a", (string?)m3.Attribute("from"));
        var carbon = await b1.ExpectAsync(e => IsCarbon(e, "received", "m3"));
        Assert.Equal("bob@localhost", (string?)carbon.Attribute("from"));
        Assert.Equal("bob@localhost/b1", (string?)carbon.Attribute("to"));
        await b3.ExpectAsync(e => IsCarbon(e, "received", "m3"));

        // Sent from node B: b3 (same node) and b1 (node A) get the sent carbon.
        await b2.SendAsync("<message to='alice@localhost/a' type='chat' id='m4'><body>from b2</body></message>");
        Assert.Equal("bob@localhost/b2", (string?)(await alice.ExpectAsync(e => IsMessage(e, "m4"))).Attribute("from"));
        await b1.ExpectAsync(e => IsCarbon(e, "sent", "m4"));
        await b3.ExpectAsync(e => IsCarbon(e, "sent", "m4"));

        // Nothing doubled: each resource got exactly one copy of each.
        await b1.ExpectNothingElseAsync(e => !IsAnyCopy(e));
        await b2.ExpectNothingElseAsync(e => !IsAnyCopy(e));
        await b3.ExpectNothingElseAsync(e => !IsAnyCopy(e));
    }

    [Fact]
    public async Task A_bare_jid_message_for_a_user_whose_only_session_elsewhere_is_not_available_is_stored_offline()
    {
        await using var alice = await XmppTestClient.LoginAsync(_nodeA.ClientEndPoint, _nodeA.Domain, "alice", "secret", "a");
        await using (var carol = await XmppTestClient.LoginAsync(_nodeB.ClientEndPoint, _nodeB.Domain, "carol", "secret", "c"))
        {
            // Bound on node B but never available (RFC 6121 §8.5.2.2.1: as if offline).
            await alice.SendAsync("<message to='carol@localhost' type='chat' id='off'><body>later</body></message>");
            await CrossNodeRoutingTests.EventuallyAsync(() => _nodeA.Host.Server.Store.Offline.Count("carol@localhost"u8), n => n == 1, TimeSpan.FromSeconds(30));
        }

        await using var again = await XmppTestClient.LoginAsync(_nodeB.ClientEndPoint, _nodeB.Domain, "carol", "secret", "again");
        await again.SendPresenceAsync();
        Assert.Equal("alice@localhost/a", (string?)(await again.ExpectAsync(e => IsMessage(e, "off"))).Attribute("from"));
    }

    private static bool IsAnyCopy(System.Xml.Linq.XElement e)
        => e.Name.LocalName == "message" && (string?)e.Attribute("type") != "headline";

    private Task<TestServer> StartNodeAsync(string name)
        => TestServer.StartAsync(config => ClusterNodeConfig.Apply(config, _garnet.EndPoint, _prefix, name, Secret));
}
