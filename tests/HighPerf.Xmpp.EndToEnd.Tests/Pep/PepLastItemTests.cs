using System.Xml.Linq;
using HighPerf.Xmpp.EndToEnd.Tests.Mobile;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;
using static HighPerf.Xmpp.EndToEnd.Tests.Pep.PepSteps;

namespace HighPerf.Xmpp.EndToEnd.Tests.Pep;

/// <summary>
/// XEP-0163 §4.3.2 last-item delivery: once per availability of a contact's resource (again after
/// unavailable→available, not for repeated presence updates), to every new resource, and never for a node whose
/// pubsub#send_last_published_item is never.
/// </summary>
public sealed class PepLastItemTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServers.StartAsync(users: ["alice", "bob"]);
        await MobileSteps.BefriendAsync(_server, "alice", "bob");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static string CapsPresence(string inner, params string[] notify)
        => $"<presence>{inner}<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='https://pep.test' ver='{Ver(FeaturesNotifying(notify))}'/></presence>";

    private static bool IsItem(XElement e, string node, string id)
        => IsEvent(e, "alice@localhost", node) && EventItems(e).Element(PubsubEvent + "item")?.Attribute("id")?.Value == id;

    [Fact]
    public async Task The_last_item_comes_once_per_availability_and_to_every_new_resource()
    {
        await using (var alice = await _server.LoginAsync("alice"))
        {
            await alice.PublishedAsync(Nick, "n1", "<nick xmlns='http://jabber.org/protocol/nick'>Alice</nick>");
        }

        var (bob, _) = await OnlineWithCapsAsync(_server, "bob", "laptop", Nick);
        await using var laptop = bob;
        await laptop.ExpectAsync(e => IsItem(e, Nick, "n1"));

        // Presence updates of a resource already online bring nothing more.
        await laptop.SendAsync(CapsPresence("<show>away</show>", Nick));
        await laptop.SendAsync(CapsPresence("<show>dnd</show><status>busy</status>", Nick));
        Assert.DoesNotContain(await laptop.SyncAsync(), e => IsEvent(e, "alice@localhost", Nick));

        // Unavailable, then available again: the last item again, without a new caps query.
        await laptop.SendAsync("<presence type='unavailable'/>");
        await laptop.SendAsync(CapsPresence("", Nick));
        var back = await laptop.ExpectAsync(e => IsItem(e, Nick, "n1") || (e.Name == Client + "iq" && (string?)e.Attribute("type") == "get"));
        Assert.Equal(Client + "message", back.Name);

        // A second resource of the contact gets it too (its caps are known: no query).
        await using var bobPhone = await _server.LoginAsync("bob", "phone");
        await bobPhone.SendAsync(CapsPresence("", Nick));
        var first = await bobPhone.ExpectAsync(e => IsItem(e, Nick, "n1") || (e.Name == Client + "iq" && (string?)e.Attribute("type") == "get"));
        Assert.Equal(Client + "message", first.Name);
        Assert.DoesNotContain(await laptop.SyncAsync(), e => IsEvent(e, "alice@localhost", Nick));
    }

    [Fact]
    public async Task A_node_with_send_last_published_item_never_is_notified_live_but_not_on_presence()
    {
        const string Node = "urn:example:activity";
        await using var alice = await _server.LoginAsync("alice");
        await alice.PublishedAsync(Node, "a1", "<activity xmlns='urn:example:activity'>old</activity>", PublishOptions(("pubsub#send_last_published_item", "never")));
        await alice.PublishedAsync(Nick, "n1", "<nick xmlns='http://jabber.org/protocol/nick'>Alice</nick>");

        var (bob, _) = await OnlineWithCapsAsync(_server, "bob", "laptop", Node, Nick);
        await using var laptop = bob;
        await laptop.ExpectAsync(e => IsItem(e, Nick, "n1"));
        Assert.DoesNotContain(await laptop.SyncAsync(), e => IsEvent(e, "alice@localhost", Node));

        await alice.PublishedAsync(Node, "a2", "<activity xmlns='urn:example:activity'>new</activity>");
        await laptop.ExpectAsync(e => IsItem(e, Node, "a2"));
        Assert.Equal("a2", (string?)Assert.Single(Items(await laptop.ItemsAsync("alice@localhost", Node))).Attribute("id"));
    }
}
