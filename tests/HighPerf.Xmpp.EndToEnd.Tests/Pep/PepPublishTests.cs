using HighPerf.Xmpp.EndToEnd.Tests.Mobile;
using HighPerf.Xmpp.EndToEnd.Tests.Modules;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;
using static HighPerf.Xmpp.EndToEnd.Tests.Pep.PepSteps;

namespace HighPerf.Xmpp.EndToEnd.Tests.Pep;

/// <summary>
/// XEP-0060 publishing on an account: auto-create with publish-options, preconditions, max_items, access models,
/// items retrieval, node configuration, the avatar and bookmarks use cases and the errors of bad requests.
/// </summary>
public sealed class PepPublishTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServers.StartAsync(users: ["alice", "bob", "carol"]);
        await MobileSteps.BefriendAsync(_server, "alice", "bob");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string Bookmark(string name) =>
        $"<conference xmlns='urn:xmpp:bookmarks:1' name='{name}' autojoin='true'><nick>al</nick></conference>";

    [Fact]
    public async Task Bookmarks_are_kept_by_id_up_to_max_and_only_the_owner_sees_them()
    {
        var options = PublishOptions(("pubsub#persist_items", "true"), ("pubsub#max_items", "max"), ("pubsub#send_last_published_item", "never"), ("pubsub#access_model", "whitelist"));
        var (desktop, _) = await OnlineWithCapsAsync(_server, "alice", "desktop", Bookmarks);
        await using var aliceDesktop = desktop;
        var (bob, _) = await OnlineWithCapsAsync(_server, "bob", "laptop", Bookmarks);
        await using var bobClient = bob;
        await using var phone = await _server.LoginAsync("alice", "phone");

        await phone.PublishedAsync(Bookmarks, "room1@conference.localhost", Bookmark("One"), options);
        await phone.PublishedAsync(Bookmarks, "room2@conference.localhost", Bookmark("Two"), options);
        await phone.PublishedAsync(Bookmarks, "room1@conference.localhost", Bookmark("One again"), options);
        await desktop.ExpectEventAsync("alice@localhost", Bookmarks);

        var all = Items(await phone.ItemsAsync(null, Bookmarks));
        Assert.Equal(["room2@conference.localhost", "room1@conference.localhost"], all.Select(i => (string)i.Attribute("id")!));
        Assert.Equal("One again", (string?)all[1].Elements().Single().Attribute("name"));
        Assert.Equal(["room2@conference.localhost"], Items(await phone.ItemsAsync(null, Bookmarks, ids: "room2@conference.localhost")).Select(i => (string)i.Attribute("id")!));
        Assert.Equal(["room1@conference.localhost"], Items(await phone.ItemsAsync(null, Bookmarks, max: 1)).Select(i => (string)i.Attribute("id")!));

        // A contact is neither told nor answered (whitelist of the owner alone).
        var denied = await bob.ItemsAsync("alice@localhost", Bookmarks);
        Assert.Equal("not-allowed", Wire.ErrorCondition(denied));
        Assert.Equal("closed-node", PubsubError(denied));
        Assert.DoesNotContain(await bob.SyncAsync(), e => IsEvent(e, "alice@localhost", Bookmarks));

        // Publish-options the node does not match are a precondition failure; the node keeps its configuration.
        var mismatch = await phone.PublishAsync(Bookmarks, "room3@conference.localhost", Bookmark("Three"), PublishOptions(("pubsub#access_model", "open")));
        Assert.Equal("conflict", Wire.ErrorCondition(mismatch));
        Assert.Equal("precondition-not-met", PubsubError(mismatch));
        Assert.Equal(2, Items(await phone.ItemsAsync(null, Bookmarks)).Count);

        var form = (await phone.IqResultAsync("get", $"<pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><configure node='{Bookmarks}'/></pubsub>"))
            .Descendants(ModuleSteps.DataForms + "field").ToDictionary(f => (string)f.Attribute("var")!, f => (string?)f.Element(ModuleSteps.DataForms + "value"));
        Assert.Equal("whitelist", form["pubsub#access_model"]);
        Assert.Equal("1000", form["pubsub#max_items"]);
    }

    [Fact]
    public async Task An_avatar_is_published_as_data_then_metadata_and_a_contact_is_told_of_the_metadata_and_fetches_the_data()
    {
        var (bob, _) = await OnlineWithCapsAsync(_server, "bob", "laptop", AvatarMetadata);
        await using var bobClient = bob;
        await using var alice = await _server.LoginAsync("alice");
        const string Hash = "111f4b3c50d7b0df729d299bc6f8e9ef9066971f";
        await alice.PublishedAsync(AvatarData, Hash, "<data xmlns='urn:xmpp:avatar:data'>iVBORw0KGgo=</data>");
        await alice.PublishedAsync(AvatarMetadata, Hash, $"<metadata xmlns='urn:xmpp:avatar:metadata'><info bytes='8' id='{Hash}' height='64' width='64' type='image/png'/></metadata>");

        var ev = await bob.ExpectEventAsync("alice@localhost", AvatarMetadata);
        var info = EventItems(ev).Element(PubsubEvent + "item")!.Elements().Single().Elements().Single();
        Assert.Equal(Hash, (string?)info.Attribute("id"));
        var data = Items(await bob.ItemsAsync("alice@localhost", AvatarData, ids: Hash));
        Assert.Equal("iVBORw0KGgo=", Assert.Single(data).Elements().Single().Value);

        // Presence access: a stranger needs a presence subscription.
        await using var carol = await _server.LoginAsync("carol");
        var refused = await carol.ItemsAsync("alice@localhost", AvatarData);
        Assert.Equal("not-authorized", Wire.ErrorCondition(refused));
        Assert.Equal("presence-subscription-required", PubsubError(refused));
    }

    [Fact]
    public async Task A_node_keeps_max_items_and_its_configuration_can_be_changed_and_survives_a_restart()
    {
        await using (var alice = await _server.LoginAsync("alice"))
        {
            var options = PublishOptions(("pubsub#max_items", "2"));
            await alice.PublishedAsync("urn:example:log", "a", "<entry xmlns='urn:example'>1</entry>", options);
            await alice.PublishedAsync("urn:example:log", "b", "<entry xmlns='urn:example'>2</entry>", options);
            await alice.PublishedAsync("urn:example:log", "c", "<entry xmlns='urn:example'>3</entry>", options);
            Assert.Equal(["b", "c"], Items(await alice.ItemsAsync(null, "urn:example:log")).Select(i => (string)i.Attribute("id")!));

            await alice.IqResultAsync("set", $"<pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><configure node='urn:example:log'>{Form("http://jabber.org/protocol/pubsub#node_config", ("pubsub#access_model", "open"), ("pubsub#max_items", "1"))}</configure></pubsub>");
            Assert.Equal(["c"], Items(await alice.ItemsAsync(null, "urn:example:log")).Select(i => (string)i.Attribute("id")!));
            var bad = await alice.IqAsync("set", $"<pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><configure node='urn:example:log'>{Form("http://jabber.org/protocol/pubsub#node_config", ("pubsub#access_model", "authorize"))}</configure></pubsub>");
            Assert.Equal("invalid-options", PubsubError(bad));
        }

        await _server.RestartAsync();
        await using var carol = await _server.LoginAsync("carol");
        var open = Items(await carol.ItemsAsync("alice@localhost", "urn:example:log"));
        Assert.Equal("3", Assert.Single(open).Elements().Single().Value);
    }

    [Fact]
    public async Task Items_not_kept_when_persist_items_is_false_are_still_notified()
    {
        var (bob, _) = await OnlineWithCapsAsync(_server, "bob", "laptop", "urn:example:tune");
        await using var bobClient = bob;
        await using var alice = await _server.LoginAsync("alice");
        await alice.PublishedAsync("urn:example:tune", "t1", "<tune xmlns='urn:example:tune'>song</tune>", PublishOptions(("pubsub#persist_items", "false")));
        await bob.ExpectEventAsync("alice@localhost", "urn:example:tune");
        Assert.Empty(Items(await alice.ItemsAsync(null, "urn:example:tune")));
    }

    [Fact]
    public async Task Bad_publishes_and_requests_get_the_pubsub_errors()
    {
        await using var alice = await _server.LoginAsync("alice");
        await using var bob = await _server.LoginAsync("bob");
        var noNode = await alice.IqAsync("set", "<pubsub xmlns='http://jabber.org/protocol/pubsub'><publish><item><x xmlns='urn:example'/></item></publish></pubsub>");
        Assert.Equal("nodeid-required", PubsubError(noNode));
        var twoPayloads = await alice.PublishAsync("urn:example", "i", "<a xmlns='urn:example'/><b xmlns='urn:example'/>");
        Assert.Equal("invalid-payload", PubsubError(twoPayloads));
        var noItem = await alice.IqAsync("set", "<pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='urn:example'/></pubsub>");
        Assert.Equal("item-required", PubsubError(noItem));
        Assert.Equal("forbidden", Wire.ErrorCondition(await bob.IqAsync("set", "<pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='urn:example'><item><x xmlns='urn:example'/></item></publish></pubsub>", "alice@localhost")));
        Assert.Equal("item-not-found", Wire.ErrorCondition(await bob.ItemsAsync("alice@localhost", "urn:example:none")));
        Assert.Equal("forbidden", Wire.ErrorCondition(await bob.IqAsync("set", "<pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><delete node='urn:example'/></pubsub>", "alice@localhost")));
        Assert.Equal("feature-not-implemented", Wire.ErrorCondition(await alice.IqAsync("set", "<pubsub xmlns='http://jabber.org/protocol/pubsub'><subscribe node='urn:example' jid='alice@localhost'/></pubsub>")));

        // A generated id comes back; an explicit create of an existing node is a conflict.
        var id = await alice.PublishedAsync("urn:example", null, "<x xmlns='urn:example'/>");
        Assert.False(string.IsNullOrEmpty(id));
        Assert.Equal("conflict", Wire.ErrorCondition(await alice.IqAsync("set", "<pubsub xmlns='http://jabber.org/protocol/pubsub'><create node='urn:example'/></pubsub>")));
        await alice.IqResultAsync("set", "<pubsub xmlns='http://jabber.org/protocol/pubsub'><create node='urn:example:new'/></pubsub>");
        Assert.Empty(Items(await alice.ItemsAsync(null, "urn:example:new")));
    }
}
