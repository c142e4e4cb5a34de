using HighPerf.Xmpp.EndToEnd.Tests.Im;
using HighPerf.Xmpp.EndToEnd.Tests.Modules;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;
using static HighPerf.Xmpp.EndToEnd.Tests.Mobile.MobileSteps;

namespace HighPerf.Xmpp.EndToEnd.Tests.Mobile;

/// <summary>XEP-0191 blocking command: list, block, unblock (all), pushes, enforcement both ways, durability.</summary>
public sealed class BlockingTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServers.StartAsync(users: ["alice", "bob", "carol"]);
        await BefriendAsync(_server, "alice", "bob");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static async Task<List<string>> BlocklistAsync(XmppTestClient client)
    {
        var reply = await client.IqResultAsync("get", "<blocklist xmlns='urn:xmpp:blocking'/>");
        return reply.Element(Blocking + "blocklist")!.Elements(Blocking + "item").Select(i => (string)i.Attribute("jid")!).ToList();
    }

    [Fact]
    public async Task Blocking_is_advertised_and_the_list_starts_empty()
    {
        await using var alice = await _server.LoginAsync("alice");
        Assert.Contains("urn:xmpp:blocking", await alice.FeaturesAsync("localhost"));
        Assert.Empty(await BlocklistAsync(alice));
    }

    [Fact]
    public async Task A_block_is_durable_across_a_restart_and_pushed_to_interested_resources_only()
    {
        await using (var phone = await _server.LoginAsync("alice", "phone"))
        await using (var desktop = await _server.LoginAsync("alice", "desktop"))
        await using (var bot = await _server.LoginAsync("alice", "bot"))
        {
            Assert.Empty(await BlocklistAsync(desktop)); // desktop becomes an interested resource; bot does not
            await phone.IqResultAsync("set", "<block xmlns='urn:xmpp:blocking'><item jid='Bob@LocalHost'/><item jid='spam.example'/></block>");
            var push = await desktop.ExpectAsync(e => e.Element(Blocking + "block") is not null);
            Assert.Equal("set", (string?)push.Attribute("type"));
            Assert.Equal(["bob@localhost", "spam.example"], push.Element(Blocking + "block")!.Elements(Blocking + "item").Select(i => (string)i.Attribute("jid")!));
            await bot.ExpectNothingElseAsync();
        }

        await _server.RestartAsync();
        await using var again = await _server.LoginAsync("alice", "later");
        Assert.Equal(["bob@localhost", "spam.example"], await BlocklistAsync(again));
    }

    [Fact]
    public async Task Stanzas_from_a_blocked_user_are_not_delivered_and_iqs_get_service_unavailable()
    {
        await using var alice = await _server.LoginAsync("alice", "phone");
        await alice.BecomeAvailableAsync();
        await using var bob = await _server.LoginAsync("bob", "pc");
        await alice.IqResultAsync("set", "<block xmlns='urn:xmpp:blocking'><item jid='bob@localhost'/></block>");

        await bob.SendAsync("<message to='alice@localhost' type='chat' id='b1'><body>hi</body></message>");
        await bob.SendAsync("<message to='alice@localhost/phone' type='chat' id='b2'><body>hi</body></message>");
        Assert.Equal("service-unavailable", await bob.IqErrorAsync("get", "<ping xmlns='urn:xmpp:ping'/>", "alice@localhost/phone"));
        Assert.Equal("service-unavailable", await bob.IqErrorAsync("get", "<vCard xmlns='vcard-temp'/>", "alice@localhost"));
        await alice.ExpectNothingElseAsync();

        // carol is not blocked.
        await using var carol = await _server.LoginAsync("carol");
        await carol.SendAsync("<message to='alice@localhost' type='chat' id='c1'><body>hi</body></message>");
        await alice.ExpectAsync(e => IsMessage(e, "c1"));
    }

    [Fact]
    public async Task A_blocked_sender_is_not_stored_offline_either()
    {
        await using (var alice = await _server.LoginAsync("alice"))
        {
            await alice.IqResultAsync("set", "<block xmlns='urn:xmpp:blocking'><item jid='localhost/spammer'/></block>");
        }

        await using (var bob = await _server.LoginAsync("bob", "spammer"))
        {
            await bob.SendAsync("<message to='alice@localhost' type='chat' id='off-blocked'><body>buy</body></message>");
            await bob.SyncAsync();
        }

        await using (var bob = await _server.LoginAsync("bob", "friendly"))
        {
            await bob.SendAsync("<message to='alice@localhost' type='chat' id='off-ok'><body>hello</body></message>");
            await bob.SyncAsync();
        }

        await using var back = await _server.LoginAsync("alice");
        await back.SendAsync("<presence/>");
        var first = await back.ExpectAsync(e => e.Name.LocalName == "message");
        Assert.Equal("off-ok", (string?)first.Attribute("id"));
    }

    [Fact]
    public async Task Messages_to_a_blocked_jid_are_refused_with_not_acceptable_and_the_blocked_condition()
    {
        await using var alice = await _server.LoginAsync("alice");
        await using var bob = await _server.LoginAsync("bob", "pc");
        await bob.BecomeAvailableAsync();
        await alice.IqResultAsync("set", "<block xmlns='urn:xmpp:blocking'><item jid='localhost'/></block>"); // the whole domain

        await alice.SendAsync("<message to='bob@localhost/pc' type='chat' id='out1'><body>hi</body></message>");
        var error = await alice.ExpectAsync(e => IsMessage(e, "out1"));
        Assert.Equal("not-acceptable", Wire.ErrorCondition(error));
        Assert.NotNull(error.Element(Client + "error")!.Element(BlockingErrors + "blocked"));
        Assert.Equal("bob@localhost/pc", (string?)error.Attribute("from"));

        // The server itself is still reachable.
        await alice.IqResultAsync("get", "<ping xmlns='urn:xmpp:ping'/>", "localhost");
        await bob.ExpectNothingElseAsync();
    }

    [Fact]
    public async Task Block_sends_unavailable_both_ways_and_unblock_restores_current_presence()
    {
        await using var alice = await ImSteps.OnlineAsync(_server, "alice", "phone");
        await using var bob = await ImSteps.OnlineAsync(_server, "bob", "pc");
        await alice.ExpectPresenceAsync("bob@localhost/pc");
        await bob.ExpectPresenceAsync("alice@localhost/phone");

        await alice.IqResultAsync("set", "<block xmlns='urn:xmpp:blocking'><item jid='bob@localhost'/></block>");
        await bob.ExpectPresenceAsync("alice@localhost/phone", "unavailable");
        await alice.ExpectPresenceAsync("bob@localhost/pc", "unavailable");

        // Presence updates no longer cross either way.
        await bob.SendAsync("<presence><show>dnd</show></presence>");
        await alice.SendAsync("<presence><show>away</show></presence>");
        var seenByBob = await bob.SyncAsync();
        var seenByAlice = await alice.SyncAsync();
        seenByBob.AddRange(await bob.SyncAsync()); // alice's update is processed by now
        Assert.DoesNotContain(seenByBob, e => ((string?)e.Attribute("from"))?.StartsWith("alice@", StringComparison.Ordinal) == true);
        Assert.DoesNotContain(seenByAlice, e => ((string?)e.Attribute("from"))?.StartsWith("bob@", StringComparison.Ordinal) == true);
        Assert.Contains(seenByBob, e => (string?)e.Attribute("from") == "bob@localhost/pc"); // the own echo still comes

        await alice.IqResultAsync("set", "<unblock xmlns='urn:xmpp:blocking'/>"); // unblock all
        var mine = await bob.ExpectPresenceAsync("alice@localhost/phone");
        Assert.Equal("away", mine.Element(Client + "show")?.Value);
        var his = await alice.ExpectPresenceAsync("bob@localhost/pc");
        Assert.Equal("dnd", his.Element(Client + "show")?.Value);
        Assert.Empty(await BlocklistAsync(alice));
    }

    [Fact]
    public async Task Unblocking_one_item_keeps_the_others_and_pushes_the_change()
    {
        await using var alice = await _server.LoginAsync("alice", "a");
        await using var other = await _server.LoginAsync("alice", "b");
        await alice.IqResultAsync("set", "<block xmlns='urn:xmpp:blocking'><item jid='carol@localhost'/><item jid='bob@localhost'/></block>");
        Assert.Equal(["carol@localhost", "bob@localhost"], await BlocklistAsync(other));
        await alice.IqResultAsync("set", "<unblock xmlns='urn:xmpp:blocking'><item jid='carol@localhost'/></block>".Replace("</block>", "</unblock>"));
        var push = await other.ExpectAsync(e => e.Element(Blocking + "unblock") is not null);
        Assert.Equal("carol@localhost", (string?)push.Element(Blocking + "unblock")!.Element(Blocking + "item")?.Attribute("jid"));
        Assert.Equal(["bob@localhost"], await BlocklistAsync(alice));

        await using var carol = await _server.LoginAsync("carol");
        await carol.SendAsync("<message to='alice@localhost/a' type='chat' id='back'><body>hi again</body></message>");
        await alice.ExpectAsync(e => IsMessage(e, "back"));
    }

    [Fact]
    public async Task Malformed_block_requests_are_rejected()
    {
        await using var alice = await _server.LoginAsync("alice");
        Assert.Equal("bad-request", await alice.IqErrorAsync("set", "<block xmlns='urn:xmpp:blocking'/>"));
        Assert.Equal("jid-malformed", await alice.IqErrorAsync("set", "<block xmlns='urn:xmpp:blocking'><item jid='a@@b'/></block>"));
        Assert.Equal("jid-malformed", await alice.IqErrorAsync("set", "<block xmlns='urn:xmpp:blocking'><item/></block>"));
        Assert.Equal("bad-request", await alice.IqErrorAsync("set", "<blocklist xmlns='urn:xmpp:blocking'/>"));
        Assert.Equal("service-unavailable", await alice.IqErrorAsync("get", "<blocklist xmlns='urn:xmpp:blocking'/>", "bob@localhost"));
        Assert.Empty(await BlocklistAsync(alice));
    }
}
