using HighPerf.Xmpp.EndToEnd.Tests.Im;
using HighPerf.Xmpp.EndToEnd.Tests.Mobile;
using HighPerf.Xmpp.EndToEnd.Tests.Modules;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;
using static HighPerf.Xmpp.EndToEnd.Tests.Archive.MamSteps;

namespace HighPerf.Xmpp.EndToEnd.Tests.Archive;

/// <summary>What goes into the archives (XEP-0313 §5.1) and the stanza-id a delivered message carries (XEP-0359).</summary>
public sealed class ArchivingTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServers.StartAsync(users: ["alice", "bob", "carol"]);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<(XmppTestClient Alice, XmppTestClient Bob)> PairAsync()
    {
        var alice = await _server.LoginAsync("alice", "desk");
        var bob = await _server.LoginAsync("bob", "phone");
        await alice.BecomeAvailableAsync();
        await bob.BecomeAvailableAsync();
        return (alice, bob);
    }

    [Fact]
    public async Task The_account_advertises_the_archive_and_stanza_ids()
    {
        await using var alice = await _server.LoginAsync("alice");
        var features = await alice.FeaturesAsync("alice@localhost");
        Assert.Contains("urn:xmpp:mam:2", features);
        Assert.Contains("urn:xmpp:mam:2#extended", features);
        Assert.Contains("urn:xmpp:sid:0", features);
    }

    [Fact]
    public async Task A_chat_message_arrives_with_the_recipients_stanza_id_and_is_in_both_archives()
    {
        var (alice, bob) = await PairAsync();
        await using var _ = alice;
        await using var __ = bob;

        var delivered = await alice.ChatAsync(bob, "wherefore art thou");
        var id = StanzaId(delivered, "bob@localhost");
        Assert.NotNull(id);
        Assert.Equal("alice@localhost/desk", (string?)delivered.Attribute("from"));

        var bobs = await bob.QueryResultAsync();
        var entry = Assert.Single(bobs.Results);
        Assert.Equal(id, entry.Id);
        Assert.Equal("wherefore art thou", (string?)entry.Message.Element(Client + "body"));
        Assert.Equal("alice@localhost/desk", (string?)entry.Message.Attribute("from"));
        Assert.Equal("bob@localhost", (string?)entry.Message.Attribute("to"));
        Assert.True(Math.Abs((DateTimeOffset.UtcNow - entry.Stamp).TotalMinutes) < 5, $"stamp {entry.Stamp}");
        Assert.True(bobs.Complete);
        Assert.Equal(1, bobs.Count);
        Assert.Equal(id, bobs.First);
        Assert.Equal(id, bobs.Last);

        var alices = await alice.QueryResultAsync();
        Assert.Equal(["wherefore art thou"], alices.Bodies);
        Assert.Equal("alice@localhost/desk", (string?)alices.Results[0].Message.Attribute("from"));
    }

    [Fact]
    public async Task A_stanza_id_a_sender_claims_for_our_archive_is_removed_and_a_foreign_one_kept()
    {
        var (alice, bob) = await PairAsync();
        await using var _ = alice;
        await using var __ = bob;

        var delivered = await alice.ChatAsync(bob, "forged",
            "<stanza-id xmlns='urn:xmpp:sid:0' by='bob@localhost' id='fake'/><stanza-id xmlns='urn:xmpp:sid:0' by='localhost' id='fake2'/><stanza-id xmlns='urn:xmpp:sid:0' by='other.example' id='theirs'/>");
        var ids = delivered.Elements(Sid + "stanza-id").Select(s => ((string?)s.Attribute("by"), (string?)s.Attribute("id"))).ToList();
        Assert.Equal(2, ids.Count);
        Assert.Contains(("other.example", "theirs"), ids);
        Assert.DoesNotContain(ids, i => i.Item2 is "fake" or "fake2");
        var archived = Assert.Single((await bob.QueryResultAsync()).Results).Message;
        Assert.Single(archived.Elements(Sid + "stanza-id"));
    }

    [Fact]
    public async Task Headlines_errors_body_less_chat_states_and_no_store_messages_are_not_archived()
    {
        var (alice, bob) = await PairAsync();
        await using var _ = alice;
        await using var __ = bob;

        await alice.SendAsync("<message to='bob@localhost' type='headline' id='h'><body>news</body></message>");
        await alice.SendAsync("<message to='bob@localhost' type='chat' id='s'><composing xmlns='http://jabber.org/protocol/chatstates'/></message>");
        await alice.SendAsync("<message to='bob@localhost' type='chat' id='n'><body>secret</body><no-store xmlns='urn:xmpp:hints'/></message>");
        await alice.SendAsync("<message to='bob@localhost' type='chat' id='p'><body>fleeting</body><no-permanent-store xmlns='urn:xmpp:hints'/></message>");
        await alice.SendAsync("<message to='bob@localhost' type='error' id='e'><body>oops</body><error type='cancel'><undefined-condition xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>");
        await alice.SendAsync("<message to='bob@localhost' type='chat' id='k'><store xmlns='urn:xmpp:hints'/><received xmlns='urn:xmpp:receipts' id='x'/></message>");
        var delivered = await bob.ExpectAsync(e => (string?)e.Attribute("id") == "k");
        Assert.NotNull(StanzaId(delivered, "bob@localhost"));

        var archive = await bob.QueryResultAsync();
        var entry = Assert.Single(archive.Results);
        Assert.Equal("k", (string?)entry.Message.Attribute("id"));
    }

    [Fact]
    public async Task A_normal_message_with_a_body_is_archived_and_groupchat_or_body_less_normal_ones_are_not()
    {
        var (alice, bob) = await PairAsync();
        await using var _ = alice;
        await using var __ = bob;

        await alice.SendAsync("<message to='bob@localhost' type='groupchat' id='g'><body>to a room?</body></message>");
        await alice.SendAsync("<message to='bob@localhost' id='r'><received xmlns='urn:xmpp:receipts' id='x'/></message>");
        await alice.SendAsync("<message to='bob@localhost' id='plain'><body>no type is normal</body></message>");
        await alice.SendAsync("<message to='bob@localhost' type='normal' id='typed'><subject>s</subject><body>typed normal</body></message>");
        var typed = await bob.ExpectAsync(e => (string?)e.Attribute("id") == "typed");
        Assert.NotNull(StanzaId(typed, "bob@localhost"));

        Assert.Equal(["plain", "typed"], (await bob.QueryResultAsync()).Results.Select(r => (string?)r.Message.Attribute("id")));
        Assert.Equal(["plain", "typed"], (await alice.QueryResultAsync()).Results.Select(r => (string?)r.Message.Attribute("id")));
    }

    [Fact]
    public async Task Each_side_finds_the_message_by_its_own_archive_id()
    {
        var (alice, bob) = await PairAsync();
        await using var _ = alice;
        await using var __ = bob;
        await alice.ChatAsync(bob, "one");
        var delivered = await alice.ChatAsync(bob, "two");
        await alice.ChatAsync(bob, "three");

        var bobsId = StanzaId(delivered, "bob@localhost")!;
        Assert.Equal(["two"], (await bob.QueryResultAsync([Field("ids", bobsId)])).Bodies);

        var alices = await alice.QueryResultAsync([Field("with", "bob@localhost")]);
        Assert.Equal(["one", "two", "three"], alices.Bodies);
        Assert.All(alices.Results, r => Assert.Equal("alice@localhost/desk", (string?)r.Message.Attribute("from")));
        var alicesId = alices.Results[1].Id;
        Assert.Equal(["two"], (await alice.QueryResultAsync([Field("ids", alicesId)])).Bodies);
        Assert.Equal(["three"], (await alice.QueryResultAsync([Field("after-id", alicesId)])).Bodies);
    }

    [Fact]
    public async Task A_message_for_an_offline_user_is_archived_and_delivered_later_with_its_stanza_id()
    {
        await using (var alice = await _server.LoginAsync("alice"))
        {
            await alice.BecomeAvailableAsync();
            await alice.SendAsync("<message to='carol@localhost' type='chat' id='off1'><body>later</body></message>");
            await alice.SyncAsync();
        }

        await using var carol = await ImSteps.OnlineAsync(_server, "carol", "home");
        var delivered = await carol.ExpectAsync(e => (string?)e.Attribute("id") == "off1");
        var id = StanzaId(delivered, "carol@localhost");
        Assert.NotNull(id);
        Assert.Equal(id, Assert.Single((await carol.QueryResultAsync()).Results).Id);
    }

    [Fact]
    public async Task A_message_to_oneself_is_archived_once()
    {
        await using var alice = await _server.LoginAsync("alice", "one");
        await alice.BecomeAvailableAsync();
        await alice.SendAsync("<message to='alice@localhost/one' type='chat' id='self'><body>note</body></message>");
        var delivered = await alice.ExpectAsync(e => (string?)e.Attribute("id") == "self");
        var id = StanzaId(delivered, "alice@localhost");
        Assert.NotNull(id);
        Assert.Equal(id, Assert.Single((await alice.QueryResultAsync()).Results).Id);
    }

    [Fact]
    public async Task A_message_to_a_missing_account_or_another_domain_is_bounced_and_not_archived()
    {
        await using var alice = await _server.LoginAsync("alice");
        await alice.BecomeAvailableAsync();
        Assert.Equal("service-unavailable", await BounceAsync(alice, "nobody@localhost"));
        Assert.Equal("remote-server-not-found", await BounceAsync(alice, "juliet@capulet.example"));
        Assert.Empty((await alice.QueryResultAsync()).Results);
    }

    [Fact]
    public async Task Stanzas_after_a_held_message_keep_their_order()
    {
        var (alice, bob) = await PairAsync();
        await using var _ = alice;
        await using var __ = bob;

        var batch = string.Concat(Enumerable.Range(0, 20).Select(i => i % 2 == 0
            ? $"<message to='bob@localhost' type='chat' id='o{i}'><body>{i}</body></message>"
            : $"<message to='bob@localhost' type='chat' id='o{i}'><paused xmlns='http://jabber.org/protocol/chatstates'/></message>"));
        await alice.SendAsync(batch + "<presence to='bob@localhost'><status>after</status></presence>");
        var order = new List<string>();
        while (order.Count < 21)
        {
            var e = await bob.NextElementAsync();
            if (e.Name == Client + "message" && ((string?)e.Attribute("id"))?.StartsWith('o') == true)
                order.Add((string)e.Attribute("id")!);
            else if (e.Name == Client + "presence" && (string?)e.Element(Client + "status") == "after")
                order.Add("presence");
        }

        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"o{i}").Append("presence"), order);

        // An iq sent right behind a message is answered after it: the query finds the message.
        await alice.SendAsync("<message to='bob@localhost' type='chat' id='last'><body>last</body></message>");
        Assert.Equal("last", (await alice.QueryResultAsync(rsm: "<max>1</max><before/>")).Bodies.Single());
    }

    [Fact]
    public async Task Carbons_of_an_archived_message_carry_the_same_stanza_id()
    {
        var (alice, bob) = await PairAsync();
        await using var _ = alice;
        await using var __ = bob;
        await using var bobTablet = await _server.LoginAsync("bob", "tablet");
        await bobTablet.BecomeAvailableAsync();
        await bobTablet.IqResultAsync("set", "<enable xmlns='urn:xmpp:carbons:2'/>");

        var delivered = await alice.ChatAsync(bob, "copy me", toJid: "bob@localhost/phone");
        var carbon = await bobTablet.ExpectAsync(e => MobileSteps.IsCarbon(e, "received", (string)delivered.Attribute("id")!));
        var inner = carbon.Element(MobileSteps.Carbons + "received")!.Element(Forward + "forwarded")!.Element(Client + "message")!;
        Assert.Equal(StanzaId(delivered, "bob@localhost"), StanzaId(inner, "bob@localhost"));
    }

    private static async Task<string?> BounceAsync(XmppTestClient client, string to)
    {
        var id = ModuleSteps.NextId();
        await client.SendAsync($"<message to='{to}' type='chat' id='{id}'><body>hello?</body></message>");
        return Wire.ErrorCondition(await client.ExpectAsync(Wire.Reply(id)));
    }
}
