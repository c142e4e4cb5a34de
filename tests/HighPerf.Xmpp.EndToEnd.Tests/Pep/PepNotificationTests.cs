using HighPerf.Xmpp.EndToEnd.Tests.Im;
using HighPerf.Xmpp.EndToEnd.Tests.Mobile;
using HighPerf.Xmpp.EndToEnd.Tests.Modules;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;
using static HighPerf.Xmpp.EndToEnd.Tests.Pep.PepSteps;

namespace HighPerf.Xmpp.EndToEnd.Tests.Pep;

/// <summary>
/// XEP-0163 notifications: to the owner's and contacts' sessions whose caps ask for the node (+notify), caps asked
/// once per hash, the last item on presence, and the OMEMO and nickname use cases.
/// </summary>
public sealed class PepNotificationTests : IAsyncLifetime
{
    private const string DeviceList = "<list xmlns='eu.siacs.conversations.axolotl'><device id='12345'/><device id='4223'/></list>";
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServers.StartAsync(users: ["alice", "bob", "carol"]);
        await MobileSteps.BefriendAsync(_server, "alice", "bob");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task An_account_shows_the_pep_identity_and_the_pubsub_features_it_supports()
    {
        await using var alice = await _server.LoginAsync("alice");
        var reply = await alice.IqResultAsync("get", "<query xmlns='http://jabber.org/protocol/disco#info'/>", "alice@localhost");
        var query = reply.Element(ModuleSteps.DiscoInfo + "query")!;
        Assert.Contains(query.Elements(ModuleSteps.DiscoInfo + "identity"), i => (string?)i.Attribute("category") == "pubsub" && (string?)i.Attribute("type") == "pep");
        var features = query.Elements(ModuleSteps.DiscoInfo + "feature").Select(f => (string)f.Attribute("var")!).ToHashSet();
        Assert.Contains("http://jabber.org/protocol/pubsub#publish-options", features);
        Assert.Contains("http://jabber.org/protocol/pubsub#access-whitelist", features);
        Assert.Contains("http://jabber.org/protocol/pubsub#auto-create", features);
    }

    [Fact]
    public async Task An_omemo_device_list_is_notified_to_a_contact_that_wants_it_and_its_bundle_is_fetched_by_the_contact()
    {
        await using var alice = await _server.LoginAsync("alice", "phone");
        var (bob, asked) = await OnlineWithCapsAsync(_server, "bob", "laptop", OmemoDevices, Omemo2Devices);
        await using var bobClient = bob;
        Assert.True(asked);
        var (carol, _) = await OnlineWithCapsAsync(_server, "carol", "pc", OmemoDevices);
        await using var carolClient = carol;

        await alice.PublishedAsync(OmemoDevices, "current", DeviceList, PublishOptions(("pubsub#access_model", "open")));
        var ev = await bob.ExpectEventAsync("alice@localhost", OmemoDevices);
        var item = EventItems(ev).Element(PubsubEvent + "item")!;
        Assert.Equal("current", (string?)item.Attribute("id"));
        Assert.Equal(["12345", "4223"], item.Elements().Single().Elements().Select(d => (string)d.Attribute("id")!));

        // The bundle node is not notified (bob's caps do not ask) but open: bob and carol (a stranger) fetch it.
        const string Bundle = "<bundle xmlns='eu.siacs.conversations.axolotl'><signedPreKeyPublic signedPreKeyId='1'>BQ==</signedPreKeyPublic><identityKey>BQ==</identityKey><prekeys><preKeyPublic preKeyId='1'>BQ==</preKeyPublic></prekeys></bundle>";
        await alice.PublishedAsync("eu.siacs.conversations.axolotl.bundles:12345", "current", Bundle, PublishOptions(("pubsub#access_model", "open")));
        var fetched = Items(await bob.ItemsAsync("alice@localhost", "eu.siacs.conversations.axolotl.bundles:12345"));
        Assert.Equal("current", (string?)Assert.Single(fetched).Attribute("id"));
        Assert.Equal("identityKey", fetched[0].Elements().Single().Elements().ElementAt(1).Name.LocalName);
        Assert.Single(Items(await carol.ItemsAsync("alice@localhost", "eu.siacs.conversations.axolotl.bundles:12345")));

        // Carol has no subscription: she wants the device list but is not told of it.
        var before = await carol.SyncAsync();
        Assert.DoesNotContain(before, e => IsEvent(e, "alice@localhost", OmemoDevices));

        // OMEMO 2 (urn:xmpp:omemo:2): the same through its own nodes.
        await alice.PublishedAsync(Omemo2Devices, "current", "<devices xmlns='urn:xmpp:omemo:2'><device id='12345' label='phone'/></devices>", PublishOptions(("pubsub#access_model", "open")));
        var ev2 = await bob.ExpectEventAsync("alice@localhost", Omemo2Devices);
        Assert.Equal("devices", EventItems(ev2).Element(PubsubEvent + "item")!.Elements().Single().Name.LocalName);
    }

    [Fact]
    public async Task Caps_are_asked_once_per_hash_and_a_session_without_caps_is_not_notified()
    {
        var (first, askedFirst) = await OnlineWithCapsAsync(_server, "bob", "one", Nick);
        await using var one = first;
        var (second, askedSecond) = await OnlineWithCapsAsync(_server, "bob", "two", Nick);
        await using var two = second;
        await using var plain = await ImSteps.OnlineAsync(_server, "bob", "plain");
        Assert.True(askedFirst);
        Assert.False(askedSecond);

        await using var alice = await _server.LoginAsync("alice");
        await alice.PublishedAsync(Nick, null, "<nick xmlns='http://jabber.org/protocol/nick'>Alice</nick>");
        await one.ExpectEventAsync("alice@localhost", Nick);
        await two.ExpectEventAsync("alice@localhost", Nick);
        Assert.DoesNotContain(await plain.SyncAsync(), e => IsEvent(e, "alice@localhost", Nick));
    }

    [Fact]
    public async Task A_contact_coming_online_gets_the_last_item_and_it_survives_a_restart()
    {
        await using (var alice = await _server.LoginAsync("alice"))
        {
            await alice.PublishedAsync(Nick, "n1", "<nick xmlns='http://jabber.org/protocol/nick'>Old</nick>");
            await alice.PublishedAsync(Nick, "n2", "<nick xmlns='http://jabber.org/protocol/nick'>Alice</nick>");
        }

        var (bob, _) = await OnlineWithCapsAsync(_server, "bob", "laptop", Nick);
        await using (bob)
        {
            var ev = await bob.ExpectEventAsync("alice@localhost", Nick);
            Assert.Equal("n2", (string?)EventItems(ev).Element(PubsubEvent + "item")!.Attribute("id"));
        }

        await _server.RestartAsync();
        var (again, askedAgain) = await OnlineWithCapsAsync(_server, "bob", "laptop", Nick);
        await using var bobAgain = again;
        Assert.True(askedAgain); // the caps cache is memory only
        var last = await bobAgain.ExpectEventAsync("alice@localhost", Nick);
        Assert.Equal("Alice", EventItems(last).Element(PubsubEvent + "item")!.Elements().Single().Value);
    }

    [Fact]
    public async Task The_owners_other_resources_are_notified_and_retract_and_delete_are_notified_too()
    {
        var (desktop, _) = await OnlineWithCapsAsync(_server, "alice", "desktop", Nick);
        await using var aliceDesktop = desktop;
        var (bob, _) = await OnlineWithCapsAsync(_server, "bob", "laptop", Nick);
        await using var bobClient = bob;
        await using var phone = await _server.LoginAsync("alice", "phone");

        await phone.PublishedAsync(Nick, "n1", "<nick xmlns='http://jabber.org/protocol/nick'>A</nick>");
        await desktop.ExpectEventAsync("alice@localhost", Nick);
        await bob.ExpectEventAsync("alice@localhost", Nick);

        await phone.IqResultAsync("set", $"<pubsub xmlns='http://jabber.org/protocol/pubsub'><retract node='{Nick}' notify='true'><item id='n1'/></retract></pubsub>");
        var retract = await bob.ExpectEventAsync("alice@localhost", Nick);
        Assert.Equal("n1", (string?)EventItems(retract).Element(PubsubEvent + "retract")!.Attribute("id"));
        Assert.Empty(Items(await bob.ItemsAsync("alice@localhost", Nick)));
        Assert.Equal("item-not-found", Wire.ErrorCondition(await phone.IqAsync("set", $"<pubsub xmlns='http://jabber.org/protocol/pubsub'><retract node='{Nick}'><item id='n1'/></retract></pubsub>")));

        await phone.IqResultAsync("set", $"<pubsub xmlns='http://jabber.org/protocol/pubsub#owner'><delete node='{Nick}'/></pubsub>");
        var deleted = await desktop.ExpectAsync(e => IsEvent(e, "alice@localhost", Nick) && e.Element(PubsubEvent + "event")!.Element(PubsubEvent + "delete") is not null);
        Assert.NotNull(deleted);
        Assert.Equal("item-not-found", Wire.ErrorCondition(await bob.ItemsAsync("alice@localhost", Nick)));
    }
}
