using System.Xml.Linq;
using HighPerf.Xmpp.EndToEnd.Tests.Im;
using HighPerf.Xmpp.TestKit;
using HighPerf.Xmpp.TestKit.Processes;

namespace HighPerf.Xmpp.EndToEnd.Tests.Cluster;

/// <summary>
/// RFC 6121 rosters and presence subscriptions across three nodes on one Garnet engine: the subscription handshake
/// between users on different nodes (requests, approvals and roster pushes reach every resource of both users on
/// every node, the rosters in the shared store end 'both', as a login on a third node reads them back), presence then
/// flowing both ways; a roster change on one node pushed to the same user's resource on another node; unsubscribe and
/// roster removal across nodes stop presence. Every wait is on a stanza, with the client's generous deadline.
/// </summary>
public sealed class CrossNodeRosterTests : IAsyncLifetime
{
    private const string Secret = "cluster-secret-for-tests";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly string _prefix = "xr" + Guid.NewGuid().ToString("N")[..8] + ":";
    private GarnetProcess _garnet = null!;
    private TestServer _nodeA = null!;
    private TestServer _nodeB = null!;
    private TestServer _nodeC = null!;

    public async Task InitializeAsync()
    {
        _garnet = await GarnetProcess.StartAsync();
        _nodeA = await StartNodeAsync("a");
        _nodeB = await StartNodeAsync("b");
        _nodeC = await StartNodeAsync("c");
        foreach (var user in new[] { "alice", "bob" })
        {
            await _nodeA.AddUserAsync(user);
        }
    }

    public async Task DisposeAsync()
    {
        await _nodeA.DisposeAsync();
        await _nodeB.DisposeAsync();
        await _nodeC.DisposeAsync();
        await _garnet.DisposeAsync();
    }

    [Fact]
    public async Task A_mutual_subscription_between_nodes_reaches_every_resource_and_ends_both_in_both_rosters()
    {
        await using var aliceA = await ImSteps.OnlineAsync(_nodeA, "alice", "a");
        await using var aliceC = await ImSteps.OnlineAsync(_nodeC, "alice", "c");
        await using var bobB = await ImSteps.OnlineAsync(_nodeB, "bob", "b");
        await using var bobC = await ImSteps.OnlineAsync(_nodeC, "bob", "c");

        // alice (node A) asks: her resources on A and C get the push, bob's on B and C the request.
        await aliceA.SendAsync("<presence to='bob@localhost' type='subscribe'><status>hi</status></presence>");
        foreach (var alice in new[] { aliceA, aliceC })
        {
            var item = await alice.ExpectPushAsync("bob@localhost");
            Assert.Equal("none", (string?)item.Attribute("subscription"));
            Assert.Equal("subscribe", (string?)item.Attribute("ask"));
        }

        foreach (var bob in new[] { bobB, bobC })
        {
            var request = await bob.ExpectAsync(e => IsPresence(e, "alice@localhost", "subscribe"), Patience);
            Assert.Equal("hi", request.Element(ImSteps.Client + "status")?.Value);
        }

        // bob approves on B: his pushes say 'from' on B and C; alice's say 'to' with the approval and bob's presence.
        await bobB.SendAsync("<presence to='alice@localhost' type='subscribed'/>");
        foreach (var bob in new[] { bobB, bobC })
        {
            Assert.Equal("from", (string?)(await bob.ExpectPushAsync("alice@localhost")).Attribute("subscription"));
        }

        foreach (var alice in new[] { aliceA, aliceC })
        {
            var seen = await ExpectAllAsync(alice,
                e => ImSteps.IsRosterPush(e, "bob@localhost") && ItemOf(e)?.Attribute("subscription")?.Value == "to",
                e => IsPresence(e, "bob@localhost", "subscribed"),
                e => IsPresence(e, "bob@localhost/b", null),
                e => IsPresence(e, "bob@localhost/c", null));
            Assert.Null(ItemOf(seen[0])!.Attribute("ask"));
        }

        // bob asks back on B, alice approves from node C.
        await bobB.SendAsync("<presence to='alice@localhost' type='subscribe'/>");
        foreach (var bob in new[] { bobB, bobC })
        {
            var item = await bob.ExpectPushAsync("alice@localhost");
            Assert.Equal(("from", "subscribe"), ((string?)item.Attribute("subscription"), (string?)item.Attribute("ask")));
        }

        await aliceA.ExpectAsync(e => IsPresence(e, "bob@localhost", "subscribe"), Patience);
        await aliceC.ExpectAsync(e => IsPresence(e, "bob@localhost", "subscribe"), Patience);
        await aliceC.SendAsync("<presence to='bob@localhost' type='subscribed'/>");
        foreach (var alice in new[] { aliceA, aliceC })
        {
            Assert.Equal("both", (string?)(await alice.ExpectPushAsync("bob@localhost")).Attribute("subscription"));
        }

        foreach (var bob in new[] { bobB, bobC })
        {
            var seen = await ExpectAllAsync(bob,
                e => ImSteps.IsRosterPush(e, "alice@localhost") && ItemOf(e)?.Attribute("subscription")?.Value == "both",
                e => IsPresence(e, "alice@localhost", "subscribed"),
                e => IsPresence(e, "alice@localhost/a", null),
                e => IsPresence(e, "alice@localhost/c", null));
            Assert.Null(ItemOf(seen[0])!.Attribute("ask"));
        }

        // Presence flows both ways across the nodes.
        await aliceA.SendAsync("<presence><show>away</show></presence>");
        Assert.Equal("away", (await bobB.ExpectAsync(e => IsPresence(e, "alice@localhost/a", null), Patience)).Element(ImSteps.Client + "show")?.Value);
        Assert.Equal("away", (await bobC.ExpectAsync(e => IsPresence(e, "alice@localhost/a", null), Patience)).Element(ImSteps.Client + "show")?.Value);
        await bobB.SendAsync("<presence><show>dnd</show></presence>");
        Assert.Equal("dnd", (await aliceA.ExpectAsync(e => IsPresence(e, "bob@localhost/b", null), Patience)).Element(ImSteps.Client + "show")?.Value);
        Assert.Equal("dnd", (await aliceC.ExpectAsync(e => IsPresence(e, "bob@localhost/b", null), Patience)).Element(ImSteps.Client + "show")?.Value);

        // A later login on a node each user had no session on reads 'both' from the shared store.
        await using var aliceB = await XmppTestClient.LoginAsync(_nodeB.ClientEndPoint, _nodeB.Domain, "alice", "secret", "later");
        Assert.Equal("both", (string?)ItemIn(await aliceB.GetRosterAsync(), "bob@localhost")?.Attribute("subscription"));
        await using var bobA = await XmppTestClient.LoginAsync(_nodeA.ClientEndPoint, _nodeA.Domain, "bob", "secret", "later");
        var bobRoster = await bobA.GetRosterAsync();
        Assert.Equal("both", (string?)ItemIn(bobRoster, "alice@localhost")?.Attribute("subscription"));
        Assert.Null(ItemIn(bobRoster, "alice@localhost")!.Attribute("ask"));
    }

    [Fact]
    public async Task A_roster_change_on_one_node_is_pushed_to_the_users_resource_on_another_and_read_back_there()
    {
        await BefriendAcrossAsync();
        await using var aliceA = await ImSteps.OnlineAsync(_nodeA, "alice", "a");
        await using var aliceB = await ImSteps.OnlineAsync(_nodeB, "alice", "b");

        var result = await aliceA.SetRosterAsync("<item jid='bob@localhost' name='Bobby'><group>Friends</group><group>Work</group></item>");
        Assert.Equal("result", (string?)result.Attribute("type"));
        var push = await aliceB.ExpectAsync(e => ImSteps.IsRosterPush(e, "bob@localhost"), Patience);
        var pushed = ItemOf(push)!;
        Assert.Equal("Bobby", (string?)pushed.Attribute("name"));
        Assert.Equal(["Friends", "Work"], pushed.Elements(ImSteps.Roster + "group").Select(g => g.Value).Order());
        Assert.Equal("both", (string?)pushed.Attribute("subscription"));
        var pushedVersion = (string?)push.Element(ImSteps.Roster + "query")!.Attribute("ver");

        var roster = await aliceB.GetRosterAsync();
        var item = ItemIn(roster, "bob@localhost")!;
        Assert.Equal("Bobby", (string?)item.Attribute("name"));
        Assert.Equal(["Friends", "Work"], item.Elements(ImSteps.Roster + "group").Select(g => g.Value).Order());
        Assert.Equal(pushedVersion, (string?)roster!.Attribute("ver"));

        // The other way round: a rename on B reaches A, and A's cached roster has it.
        Assert.Equal("result", (string?)(await aliceB.SetRosterAsync("<item jid='bob@localhost' name='Robert'/>")).Attribute("type"));
        // (aliceA's own push of 'Bobby' came first: the requester is an interested resource too.)
        await aliceA.ExpectAsync(e => ImSteps.IsRosterPush(e, "bob@localhost") && (string?)ItemOf(e)!.Attribute("name") == "Robert", Patience);
        var onA = ItemIn(await aliceA.GetRosterAsync(), "bob@localhost")!;
        Assert.Equal("Robert", (string?)onA.Attribute("name"));
        Assert.Empty(onA.Elements(ImSteps.Roster + "group"));
    }

    [Fact]
    public async Task Unsubscribe_and_roster_removal_across_nodes_stop_presence()
    {
        await BefriendAcrossAsync();
        await using var aliceA = await ImSteps.OnlineAsync(_nodeA, "alice", "a");
        await using var bobB = await XmppTestClient.LoginAsync(_nodeB.ClientEndPoint, _nodeB.Domain, "bob", "secret", "b");
        await bobB.GetRosterAsync();
        await bobB.SendAsync("<presence/>");
        await ExpectAllAsync(bobB, e => IsPresence(e, "bob@localhost/b", null), e => IsPresence(e, "alice@localhost/a", null));
        await aliceA.ExpectAsync(e => IsPresence(e, "bob@localhost/b", null), Patience);

        // alice (A) stops receiving bob's presence: bob's node B sends bob's unavailable, bob's roster says 'to'.
        await aliceA.SendAsync("<presence to='bob@localhost' type='unsubscribe'/>");
        await ExpectAllAsync(aliceA,
            e => ImSteps.IsRosterPush(e, "bob@localhost") && ItemOf(e)?.Attribute("subscription")?.Value == "from",
            e => IsPresence(e, "bob@localhost/b", "unavailable"));
        await ExpectAllAsync(bobB,
            e => ImSteps.IsRosterPush(e, "alice@localhost") && ItemOf(e)?.Attribute("subscription")?.Value == "to",
            e => IsPresence(e, "alice@localhost", "unsubscribe"));

        // bob's next broadcast skips alice (a message after it on the same link arrives first), alice's still reaches bob.
        await bobB.SendAsync("<presence><show>chat</show></presence>");
        await bobB.SendAsync("<message to='alice@localhost/a' type='chat' id='after-chat'><body>x</body></message>");
        var beforeMarker = await CollectUntilAsync(aliceA, e => (string?)e.Attribute("id") == "after-chat");
        Assert.DoesNotContain(beforeMarker, e => e.Name == ImSteps.Client + "presence" && ((string?)e.Attribute("from"))?.StartsWith("bob@", StringComparison.Ordinal) == true);
        await aliceA.SendAsync("<presence><show>xa</show></presence>");
        Assert.Equal("xa", (await bobB.ExpectAsync(e => IsPresence(e, "alice@localhost/a", null), Patience)).Element(ImSteps.Client + "show")?.Value);

        // bob (B) removes alice: his push removes her; alice (A) loses her 'from' (an unsubscribe on bob's behalf), and
        // bob gets alice's unavailable from her node.
        Assert.Equal("result", (string?)(await bobB.SetRosterAsync("<item jid='alice@localhost' subscription='remove'/>")).Attribute("type"));
        await ExpectAllAsync(bobB,
            e => ImSteps.IsRosterPush(e, "alice@localhost") && ItemOf(e)?.Attribute("subscription")?.Value == "remove",
            e => IsPresence(e, "alice@localhost/a", "unavailable"));
        await ExpectAllAsync(aliceA,
            e => ImSteps.IsRosterPush(e, "bob@localhost") && ItemOf(e)?.Attribute("subscription")?.Value == "none",
            e => IsPresence(e, "bob@localhost", "unsubscribe"));

        await aliceA.SendAsync("<presence><show>away</show></presence>");
        await aliceA.SendAsync("<message to='bob@localhost/b' type='chat' id='after-away'><body>x</body></message>");
        var beforeAway = await CollectUntilAsync(bobB, e => (string?)e.Attribute("id") == "after-away");
        Assert.DoesNotContain(beforeAway, e => e.Name == ImSteps.Client + "presence" && (string?)e.Attribute("from") == "alice@localhost/a");
        await using var bobC = await XmppTestClient.LoginAsync(_nodeC.ClientEndPoint, _nodeC.Domain, "bob", "secret", "c");
        Assert.Null(ItemIn(await bobC.GetRosterAsync(), "alice@localhost"));
    }

    /// <summary>alice and bob subscribed both ways, made across nodes A and B (in the shared store).</summary>
    private async Task BefriendAcrossAsync()
    {
        await using var alice = await XmppTestClient.LoginAsync(_nodeA.ClientEndPoint, _nodeA.Domain, "alice", "secret", "setup");
        await using var bob = await XmppTestClient.LoginAsync(_nodeB.ClientEndPoint, _nodeB.Domain, "bob", "secret", "setup");
        await alice.BecomeAvailableAsync();
        await bob.BecomeAvailableAsync();
        await alice.SendAsync("<presence to='bob@localhost' type='subscribe'/>");
        await bob.ExpectAsync(e => IsPresence(e, "alice@localhost", "subscribe"), Patience);
        await bob.SendAsync("<presence to='alice@localhost' type='subscribed'/>");
        await bob.SendAsync("<presence to='alice@localhost' type='subscribe'/>");
        await alice.ExpectAsync(e => IsPresence(e, "bob@localhost", "subscribe"), Patience);
        await alice.SendAsync("<presence to='bob@localhost' type='subscribed'/>");
        await bob.ExpectAsync(e => IsPresence(e, "alice@localhost", "subscribed"), Patience);
    }

    /// <summary>Waits until each predicate matched one element, in any order (roster pushes are acknowledged); returns
    /// the matches in the predicates' order.</summary>
    private static async Task<XElement[]> ExpectAllAsync(XmppTestClient client, params Func<XElement, bool>[] matches)
    {
        var found = new XElement?[matches.Length];
        var deadline = DateTime.UtcNow + Patience;
        while (Array.Exists(found, f => f is null))
        {
            var left = deadline - DateTime.UtcNow;
            Assert.True(left > TimeSpan.Zero, "Missing " + string.Join(", ", Enumerable.Range(0, matches.Length).Where(i => found[i] is null)));
            var element = await client.NextElementAsync(left);
            if (element.Name == ImSteps.Client + "iq" && (string?)element.Attribute("type") == "set" && element.Element(ImSteps.Roster + "query") is not null)
            {
                await client.SendAsync($"<iq type='result' id='{element.Attribute("id")!.Value}'/>");
            }

            for (var i = 0; i < matches.Length; i++)
            {
                if (found[i] is null && matches[i](element))
                {
                    found[i] = element;
                    break;
                }
            }
        }

        return found!;
    }

    /// <summary>Everything that arrives before the first element matching <paramref name="last"/>.</summary>
    private static async Task<List<XElement>> CollectUntilAsync(XmppTestClient client, Func<XElement, bool> last)
    {
        var seen = new List<XElement>();
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            Assert.True(left > TimeSpan.Zero, "The marker did not arrive.");
            var element = await client.NextElementAsync(left);
            if (last(element))
            {
                return seen;
            }

            seen.Add(element);
        }
    }

    private static bool IsPresence(XElement e, string from, string? type)
        => e.Name == ImSteps.Client + "presence" && (string?)e.Attribute("from") == from && (string?)e.Attribute("type") == type;

    private static XElement? ItemOf(XElement push) => push.Element(ImSteps.Roster + "query")?.Element(ImSteps.Roster + "item");

    private static XElement? ItemIn(XElement? query, string jid)
        => query?.Elements(ImSteps.Roster + "item").FirstOrDefault(i => (string?)i.Attribute("jid") == jid);

    private Task<TestServer> StartNodeAsync(string name)
        => TestServer.StartAsync(config => ClusterNodeConfig.Apply(config, _garnet.EndPoint, _prefix, name, Secret));
}
