using HighPerf.Xmpp.EndToEnd.Tests.Mobile;
using HighPerf.Xmpp.EndToEnd.Tests.Modules;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;
using static HighPerf.Xmpp.EndToEnd.Tests.Pep.PepSteps;

namespace HighPerf.Xmpp.EndToEnd.Tests.Pep;

/// <summary>
/// XEP-0060 §7.2.2.1 retract notifications (pubsub#notify_retract, or notify='true' on the retract) and §8.4
/// delete notifications (pubsub#notify_delete) to a contact's session that wants the node.
/// </summary>
public sealed class PepRetractDeleteTests : IAsyncLifetime
{
    private const string Node = "urn:example:status";
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServers.StartAsync(users: ["alice", "bob"]);
        await MobileSteps.BefriendAsync(_server, "alice", "bob");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string Retract(string id, string notify = "")
        => $"<pubsub xmlns='http://jabber.org/protocol/pubsub'><retract node='{Node}'{notify}><item id='{id}'/></retract></pubsub>";

    private static bool IsRetract(System.Xml.Linq.XElement e, string id)
        => IsEvent(e, "alice@localhost", Node) && EventItems(e).Element(PubsubEvent + "retract")?.Attribute("id")?.Value == id;

    private static bool IsDelete(System.Xml.Linq.XElement e)
        => IsEvent(e, "alice@localhost", Node) && e.Element(PubsubEvent + "event")!.Element(PubsubEvent + "delete") is not null;

    [Fact]
    public async Task By_default_a_retraction_and_the_node_deletion_are_notified_to_a_contact()
    {
        var (bob, _) = await OnlineWithCapsAsync(_server, "bob", "laptop", Node);
        await using var bobClient = bob;
        await using var alice = await _server.LoginAsync("alice");
        var form = (await alice.IqResultAsync("get", "<pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><default/></pubsub>"))
            .Descendants(ModuleSteps.DataForms + "field").ToDictionary(f => (string)f.Attribute("var")!, f => (string?)f.Element(ModuleSteps.DataForms + "value"));
        Assert.Equal("1", form["pubsub#notify_retract"]);
        Assert.Equal("1", form["pubsub#notify_delete"]);
        Assert.Equal("on_sub_and_presence", form["pubsub#send_last_published_item"]);

        await alice.PublishedAsync(Node, "s1", "<status xmlns='urn:example:status'>here</status>");
        await bob.ExpectEventAsync("alice@localhost", Node);
        await alice.IqResultAsync("set", Retract("s1"));
        await bob.ExpectAsync(e => IsRetract(e, "s1"));

        await alice.IqResultAsync("set", $"<pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><delete node='{Node}'/></pubsub>");
        var deleted = await bob.ExpectAsync(IsDelete);
        Assert.Equal(Node, (string?)deleted.Element(PubsubEvent + "event")!.Element(PubsubEvent + "delete")!.Attribute("node"));
    }

    [Fact]
    public async Task With_notify_retract_and_notify_delete_off_only_a_retract_that_asks_is_notified()
    {
        var (bob, _) = await OnlineWithCapsAsync(_server, "bob", "laptop", Node);
        await using var bobClient = bob;
        await using var alice = await _server.LoginAsync("alice");
        var options = PublishOptions(("pubsub#notify_retract", "0"), ("pubsub#notify_delete", "false"), ("pubsub#max_items", "10"));
        await alice.PublishedAsync(Node, "s1", "<status xmlns='urn:example:status'>1</status>", options);
        await alice.PublishedAsync(Node, "s2", "<status xmlns='urn:example:status'>2</status>", options);
        await bob.ExpectAsync(e => IsEvent(e, "alice@localhost", Node) && EventItems(e).Element(PubsubEvent + "item")?.Attribute("id")?.Value == "s2");

        await alice.IqResultAsync("set", Retract("s1"));
        Assert.DoesNotContain(await bob.SyncAsync(), e => IsRetract(e, "s1"));
        await alice.IqResultAsync("set", Retract("s2", " notify='true'"));
        await bob.ExpectAsync(e => IsRetract(e, "s2"));

        // The configuration form shows the values, and a publish that names other values is a precondition failure.
        var form = (await alice.IqResultAsync("get", $"<pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><configure node='{Node}'/></pubsub>"))
            .Descendants(ModuleSteps.DataForms + "field").ToDictionary(f => (string)f.Attribute("var")!, f => (string?)f.Element(ModuleSteps.DataForms + "value"));
        Assert.Equal("0", form["pubsub#notify_retract"]);
        Assert.Equal("0", form["pubsub#notify_delete"]);
        var mismatch = await alice.PublishAsync(Node, "s3", "<status xmlns='urn:example:status'>3</status>", PublishOptions(("pubsub#notify_retract", "1")));
        Assert.Equal("precondition-not-met", PubsubError(mismatch));
        var bad = await alice.IqAsync("set", $"<pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><configure node='{Node}'>{Form("http://jabber.org/protocol/pubsub#node_config", ("pubsub#notify_retract", "perhaps"))}</configure></pubsub>");
        Assert.Equal("invalid-options", PubsubError(bad));

        await alice.IqResultAsync("set", $"<pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><delete node='{Node}'/></pubsub>");
        Assert.DoesNotContain(await bob.SyncAsync(), IsDelete);
        Assert.Equal("item-not-found", Wire.ErrorCondition(await bob.ItemsAsync("alice@localhost", Node)));
    }
}
