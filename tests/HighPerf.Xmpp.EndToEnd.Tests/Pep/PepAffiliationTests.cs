using System.Xml.Linq;
using HighPerf.Xmpp.EndToEnd.Tests.Mobile;
using HighPerf.Xmpp.EndToEnd.Tests.Modules;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;
using static HighPerf.Xmpp.EndToEnd.Tests.Pep.PepSteps;

namespace HighPerf.Xmpp.EndToEnd.Tests.Pep;

/// <summary>
/// XEP-0060 subscriptions and affiliations as PEP has them: the owner's whitelist (§8.9) opens a whitelist node to
/// its members, one's own affiliations and subscriptions (§5.6/§5.7), and explicit subscribe refused (§6.1.3.7).
/// </summary>
public sealed class PepAffiliationTests : IAsyncLifetime
{
    private const string Node = "urn:xmpp:bookmarks:1";
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServers.StartAsync(users: ["alice", "bob", "carol"]);
        await MobileSteps.BefriendAsync(_server, "alice", "bob");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string SetAffiliations(params (string Jid, string Affiliation)[] changes)
        => $"<pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><affiliations node='{Node}'>"
           + string.Concat(changes.Select(c => $"<affiliation jid='{c.Jid}' affiliation='{c.Affiliation}'/>")) + "</affiliations></pubsub>";

    private static Dictionary<string, string> Affiliations(XElement reply, XNamespace ns, string key)
        => reply.Element(ns + "pubsub")!.Element(ns + "affiliations")!.Elements(ns + "affiliation")
            .ToDictionary(a => (string)a.Attribute(key)!, a => (string)a.Attribute("affiliation")!);

    [Fact]
    public async Task A_whitelisted_contact_reads_and_is_notified_and_others_get_closed_node()
    {
        var (bob, _) = await OnlineWithCapsAsync(_server, "bob", "laptop", Node);
        await using var bobClient = bob;
        await using var carol = await _server.LoginAsync("carol");
        await using var alice = await _server.LoginAsync("alice");
        var whitelist = PublishOptions(("pubsub#access_model", "whitelist"), ("pubsub#max_items", "max"), ("pubsub#send_last_published_item", "never"));
        await alice.PublishedAsync(Node, "room1@conference.localhost", "<conference xmlns='urn:xmpp:bookmarks:1' name='One'/>", whitelist);
        Assert.Equal("closed-node", PubsubError(await bob.ItemsAsync("alice@localhost", Node)));

        await alice.IqResultAsync("set", SetAffiliations(("bob@localhost/laptop", "member")));
        var listed = Affiliations(await alice.IqResultAsync("get", $"<pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><affiliations node='{Node}'/></pubsub>"), PubsubOwner, "jid");
        Assert.Equal(new Dictionary<string, string> { ["alice@localhost"] = "owner", ["bob@localhost"] = "member" }, listed);

        Assert.Single(Items(await bob.ItemsAsync("alice@localhost", Node)));
        await alice.PublishedAsync(Node, "room2@conference.localhost", "<conference xmlns='urn:xmpp:bookmarks:1' name='Two'/>", whitelist);
        await bob.ExpectEventAsync("alice@localhost", Node);
        var refused = await carol.ItemsAsync("alice@localhost", Node);
        Assert.Equal("not-allowed", Wire.ErrorCondition(refused));
        Assert.Equal("closed-node", PubsubError(refused));

        // Each side sees its own affiliations (§5.7); carol has none.
        Assert.Equal("member", Affiliations(await bob.IqResultAsync("get", "<pubsub xmlns='http://jabber.org/protocol/pubsub'><affiliations/></pubsub>", "alice@localhost"), Pubsub, "node")[Node]);
        Assert.Equal("owner", Affiliations(await alice.IqResultAsync("get", "<pubsub xmlns='http://jabber.org/protocol/pubsub'><affiliations/></pubsub>"), Pubsub, "node")[Node]);
        Assert.Empty(Affiliations(await carol.IqResultAsync("get", "<pubsub xmlns='http://jabber.org/protocol/pubsub'><affiliations/></pubsub>", "alice@localhost"), Pubsub, "node"));

        // The membership is durable; removing it closes the node again.
        await _server.RestartAsync();
        await using var bobAgain = await _server.LoginAsync("bob");
        Assert.Equal(2, Items(await bobAgain.ItemsAsync("alice@localhost", Node)).Count);
        await using var aliceAgain = await _server.LoginAsync("alice");
        await aliceAgain.IqResultAsync("set", SetAffiliations(("bob@localhost", "none")));
        Assert.Equal("closed-node", PubsubError(await bobAgain.ItemsAsync("alice@localhost", Node)));
    }

    [Fact]
    public async Task Affiliation_changes_the_node_cannot_hold_and_explicit_subscriptions_get_the_pubsub_errors()
    {
        await using var alice = await _server.LoginAsync("alice");
        await using var bob = await _server.LoginAsync("bob");
        await alice.PublishedAsync(Node, "r", "<conference xmlns='urn:xmpp:bookmarks:1' name='R'/>", PublishOptions(("pubsub#access_model", "whitelist")));

        var publisher = await alice.IqAsync("set", SetAffiliations(("bob@localhost", "member"), ("carol@localhost", "publisher")));
        Assert.Equal("feature-not-implemented", Wire.ErrorCondition(publisher));
        Assert.Equal("unsupported", PubsubError(publisher));
        Assert.Equal("not-acceptable", Wire.ErrorCondition(await alice.IqAsync("set", SetAffiliations(("alice@localhost", "none")))));
        Assert.Equal("jid-malformed", Wire.ErrorCondition(await alice.IqAsync("set", SetAffiliations(("@@", "member")))));
        Assert.Equal("forbidden", Wire.ErrorCondition(await bob.IqAsync("set", SetAffiliations(("bob@localhost", "member")), "alice@localhost")));
        Assert.Equal("closed-node", PubsubError(await bob.ItemsAsync("alice@localhost", Node))); // the refused request changed nothing

        var subscribe = await bob.IqAsync("set", $"<pubsub xmlns='http://jabber.org/protocol/pubsub'><subscribe node='{Node}' jid='bob@localhost'/></pubsub>", "alice@localhost");
        Assert.Equal("feature-not-implemented", Wire.ErrorCondition(subscribe));
        var unsupported = subscribe.Element(Client + "error")!.Element(PubsubErrors + "unsupported")!;
        Assert.Equal("subscribe", (string?)unsupported.Attribute("feature"));
        var subscriptions = await alice.IqResultAsync("get", "<pubsub xmlns='http://jabber.org/protocol/pubsub'><subscriptions/></pubsub>");
        Assert.Empty(subscriptions.Element(Pubsub + "pubsub")!.Element(Pubsub + "subscriptions")!.Elements());
    }
}
