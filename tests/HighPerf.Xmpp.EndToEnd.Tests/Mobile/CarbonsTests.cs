using HighPerf.Xmpp.EndToEnd.Tests.Modules;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;
using static HighPerf.Xmpp.EndToEnd.Tests.Mobile.MobileSteps;

namespace HighPerf.Xmpp.EndToEnd.Tests.Mobile;

/// <summary>XEP-0280 message carbons: enable/disable, received and sent copies, the §6 eligibility rules and the hints.</summary>
public sealed class CarbonsTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServers.StartAsync(users: ["alice", "bob"]);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    /// <summary>alice/phone (priority 5, carbons on), alice/desktop (priority 1, carbons on), alice/tv (priority 1, carbons off), bob/pc.</summary>
    private async Task<(XmppTestClient Phone, XmppTestClient Desktop, XmppTestClient Tv, XmppTestClient Bob)> StartAsync()
    {
        var phone = await _server.LoginAsync("alice", "phone");
        var desktop = await _server.LoginAsync("alice", "desktop");
        var tv = await _server.LoginAsync("alice", "tv");
        var bob = await _server.LoginAsync("bob", "pc");
        await phone.BecomeAvailableAsync(5);
        await desktop.BecomeAvailableAsync(1);
        await tv.BecomeAvailableAsync(1);
        await bob.BecomeAvailableAsync();
        await phone.IqResultAsync("set", "<enable xmlns='urn:xmpp:carbons:2'/>");
        await desktop.IqResultAsync("set", "<enable xmlns='urn:xmpp:carbons:2'/>", "localhost");
        return (phone, desktop, tv, bob);
    }

    private static async Task DisposeAllAsync(params XmppTestClient[] clients)
    {
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task Carbons_are_advertised_and_only_an_iq_set_enables_them()
    {
        await using var alice = await _server.LoginAsync("alice");
        Assert.Contains("urn:xmpp:carbons:2", await alice.FeaturesAsync("localhost"));
        Assert.Equal("bad-request", await alice.IqErrorAsync("get", "<enable xmlns='urn:xmpp:carbons:2'/>"));
        Assert.Equal("service-unavailable", await alice.IqErrorAsync("set", "<enable xmlns='urn:xmpp:carbons:2'/>", "bob@localhost"));
    }

    [Fact]
    public async Task A_message_to_the_bare_jid_is_copied_as_received_to_enabled_resources_that_did_not_get_it()
    {
        var (phone, desktop, tv, bob) = await StartAsync();
        try
        {
            await bob.SendAsync("<message to='alice@localhost' type='chat' id='r1'><body>hi</body></message>");
            var original = await phone.ExpectAsync(e => IsMessage(e, "r1")); // highest priority
            Assert.Equal("bob@localhost/pc", (string?)original.Attribute("from"));

            var carbon = await desktop.ExpectAsync(e => IsCarbon(e, "received", "r1"));
            Assert.Equal("alice@localhost", (string?)carbon.Attribute("from"));
            Assert.Equal("alice@localhost/desktop", (string?)carbon.Attribute("to"));
            Assert.Equal("chat", (string?)carbon.Attribute("type"));
            var inner = carbon.Element(Carbons + "received")!.Element(Forward + "forwarded")!.Element(Client + "message")!;
            Assert.Equal("bob@localhost/pc", (string?)inner.Attribute("from"));
            Assert.Equal("alice@localhost", (string?)inner.Attribute("to"));
            Assert.Equal("hi", inner.Element(Client + "body")?.Value);

            // tv has carbons off; phone got the original, so no copy for it.
            await tv.ExpectNothingElseAsync();
            await phone.ExpectNothingElseAsync();
        }
        finally
        {
            await DisposeAllAsync(phone, desktop, tv, bob);
        }
    }

    [Fact]
    public async Task A_message_to_a_full_jid_is_copied_to_the_other_enabled_resources()
    {
        var (phone, desktop, tv, bob) = await StartAsync();
        try
        {
            await bob.SendAsync("<message to='alice@localhost/tv' type='chat' id='r2'><body>to tv</body></message>");
            await tv.ExpectAsync(e => IsMessage(e, "r2"));
            await phone.ExpectAsync(e => IsCarbon(e, "received", "r2"));
            await desktop.ExpectAsync(e => IsCarbon(e, "received", "r2"));
        }
        finally
        {
            await DisposeAllAsync(phone, desktop, tv, bob);
        }
    }

    [Fact]
    public async Task An_outbound_message_is_copied_as_sent_to_the_senders_other_enabled_resources()
    {
        var (phone, desktop, tv, bob) = await StartAsync();
        try
        {
            await desktop.SendAsync("<message to='bob@localhost' type='chat' id='s1'><body>from desktop</body></message>");
            await bob.ExpectAsync(e => IsMessage(e, "s1"));
            var carbon = await phone.ExpectAsync(e => IsCarbon(e, "sent", "s1"));
            var inner = carbon.Element(Carbons + "sent")!.Element(Forward + "forwarded")!.Element(Client + "message")!;
            Assert.Equal("alice@localhost/desktop", (string?)inner.Attribute("from"));
            Assert.Equal("bob@localhost", (string?)inner.Attribute("to"));

            await desktop.ExpectNothingElseAsync(); // the sender gets no copy of its own message
            await tv.ExpectNothingElseAsync();
        }
        finally
        {
            await DisposeAllAsync(phone, desktop, tv, bob);
        }
    }

    [Theory]
    [InlineData("<message to='alice@localhost' type='chat' id='x'><body>p</body><private xmlns='urn:xmpp:carbons:2'/></message>")]
    [InlineData("<message to='alice@localhost' type='chat' id='x'><body>p</body><no-copy xmlns='urn:xmpp:hints'/></message>")]
    [InlineData("<message to='alice@localhost' type='headline' id='x'><body>news</body></message>")]
    [InlineData("<message to='alice@localhost/phone' type='normal' id='x'><subject>no body</subject></message>")]
    [InlineData("<message to='alice@localhost/phone' type='groupchat' id='x'><body>room</body></message>")]
    public async Task Ineligible_or_private_messages_are_not_copied(string stanza)
    {
        var (phone, desktop, tv, bob) = await StartAsync();
        try
        {
            await bob.SendAsync(stanza);
            await bob.SendAsync(stanza.Replace("to='alice@localhost", "to='bob@localhost", StringComparison.Ordinal)); // sent side: from bob, no carbons
            await phone.SendAsync(stanza.Replace("to='alice@localhost", "to='bob@localhost", StringComparison.Ordinal).Replace("id='x'", "id='y'", StringComparison.Ordinal));
            await bob.SyncAsync();
            await phone.SyncAsync();
            await desktop.ExpectNothingElseAsync(e => e.Element(Carbons + "received") is null && e.Element(Carbons + "sent") is null);
        }
        finally
        {
            await DisposeAllAsync(phone, desktop, tv, bob);
        }
    }

    [Theory]
    [InlineData("normal", "<body>note</body>")]
    [InlineData("normal", "<received xmlns='urn:xmpp:receipts' id='abc'/>")]
    [InlineData("chat", "<composing xmlns='http://jabber.org/protocol/chatstates'/>")]
    [InlineData("chat", "<body>pm</body><x xmlns='http://jabber.org/protocol/muc#user'/>")]
    [InlineData("error", "<error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>")]
    public async Task Eligible_messages_are_copied(string type, string payload)
    {
        var (phone, desktop, tv, bob) = await StartAsync();
        try
        {
            await bob.SendAsync($"<message to='alice@localhost/phone' type='{type}' id='e1'>{payload}</message>");
            await desktop.ExpectAsync(e => IsCarbon(e, "received", "e1"));
        }
        finally
        {
            await DisposeAllAsync(phone, desktop, tv, bob);
        }
    }

    [Fact]
    public async Task Disable_stops_the_copies()
    {
        var (phone, desktop, tv, bob) = await StartAsync();
        try
        {
            await desktop.IqResultAsync("set", "<disable xmlns='urn:xmpp:carbons:2'/>");
            await bob.SendAsync("<message to='alice@localhost' type='chat' id='d1'><body>hi</body></message>");
            await phone.ExpectAsync(e => IsMessage(e, "d1"));
            await bob.SyncAsync();
            await desktop.ExpectNothingElseAsync();
        }
        finally
        {
            await DisposeAllAsync(phone, desktop, tv, bob);
        }
    }

    [Fact]
    public async Task Messages_between_own_resources_are_not_copied()
    {
        var (phone, desktop, tv, bob) = await StartAsync();
        try
        {
            await phone.SendAsync("<message to='alice@localhost/tv' type='chat' id='self'><body>note to self</body></message>");
            await tv.ExpectAsync(e => IsMessage(e, "self"));
            await desktop.ExpectNothingElseAsync();
        }
        finally
        {
            await DisposeAllAsync(phone, desktop, tv, bob);
        }
    }
}
