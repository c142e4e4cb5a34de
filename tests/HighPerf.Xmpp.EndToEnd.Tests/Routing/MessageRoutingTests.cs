using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Routing;

/// <summary>The "message" column of the routing table in src/ARCHITECTURE.md (RFC 6121 §8.5), row by row.</summary>
public sealed class MessageRoutingTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(400);

    [Fact]
    public async Task Message_without_to_goes_to_the_senders_own_bare_jid()
    {
        var user = await fixture.NewUserAsync("self");
        await using var a = await fixture.LoginAsync(user, "a");
        await using var b = await fixture.LoginAsync(user, "b");
        await a.BecomeAvailableAsync();
        await b.BecomeAvailableAsync();
        await a.SendAsync("<message type='chat' id='note'><body>note to self</body></message>");
        var message = await b.ExpectAsync(Wire.Named("message"));
        Assert.Equal($"{user}@localhost/a", (string?)message.Attribute("from"));
        Assert.Equal("note", (string?)message.Attribute("id"));
    }

    [Theory]
    [InlineData("chat")]
    [InlineData("normal")]
    public async Task Message_to_own_server_chat_or_normal_gets_service_unavailable_from_the_domain(string type)
    {
        await using var alice = await fixture.LoginAsync("alice", "to-server-" + type);
        await alice.SendAsync($"<message to='localhost' type='{type}' id='srv'><body>hello server</body></message>");
        var error = await alice.ExpectAsync(Wire.Reply("srv"));
        Assert.Equal("service-unavailable", Wire.ErrorCondition(error));
        Assert.Equal("localhost", (string?)error.Attribute("from"));
        Assert.Equal(alice.Jid, (string?)error.Attribute("to"));
    }

    [Fact]
    public async Task Message_to_own_server_headline_is_dropped()
    {
        await using var alice = await fixture.LoginAsync("alice", "to-server-headline");
        await alice.SendAsync("<message to='localhost' type='headline' id='h'><body>news</body></message>");
        await alice.ExpectSilenceAsync(Quiet);
    }

    [Fact]
    public async Task Message_to_domain_resource_gets_service_unavailable()
    {
        await using var alice = await fixture.LoginAsync("alice", "to-domain-resource");
        await alice.SendAsync("<message to='localhost/admin' type='chat' id='dr'><body>hi</body></message>");
        Assert.Equal("service-unavailable", Wire.ErrorCondition(await alice.ExpectAsync(Wire.Reply("dr"))));
    }

    [Fact]
    public async Task Message_to_bare_jid_goes_to_the_available_resources_with_the_highest_priority()
    {
        var bob = await fixture.NewUserAsync("prio");
        await using var high1 = await fixture.LoginAsync(bob, "high1");
        await using var high2 = await fixture.LoginAsync(bob, "high2");
        await using var low = await fixture.LoginAsync(bob, "low");
        await using var unavailable = await fixture.LoginAsync(bob, "unavailable");
        await high1.BecomeAvailableAsync(5);
        await high2.BecomeAvailableAsync(5);
        await low.BecomeAvailableAsync(1);
        await using var alice = await fixture.LoginAsync("alice", "to-bare");
        await alice.SendAsync($"<message to='{bob}@localhost' type='chat' id='bare1'><body>hi</body></message>");
        Assert.Equal("alice@localhost/to-bare", (string?)(await high1.ExpectAsync(Wire.Reply("bare1"))).Attribute("from"));
        await high2.ExpectAsync(Wire.Reply("bare1"));
        await low.ExpectSilenceAsync(Quiet);
        await unavailable.ExpectSilenceAsync(TimeSpan.FromMilliseconds(50));
        await alice.ExpectSilenceAsync(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task Message_to_bare_jid_headline_goes_to_all_non_negative_resources()
    {
        var bob = await fixture.NewUserAsync("headline");
        await using var five = await fixture.LoginAsync(bob, "five");
        await using var zero = await fixture.LoginAsync(bob, "zero");
        await using var negative = await fixture.LoginAsync(bob, "negative");
        await five.BecomeAvailableAsync(5);
        await zero.BecomeAvailableAsync(0);
        await negative.BecomeAvailableAsync(-1);
        await using var alice = await fixture.LoginAsync("alice", "headline");
        await alice.SendAsync($"<message to='{bob}@localhost' type='headline' id='hl'><body>news</body></message>");
        await five.ExpectAsync(Wire.Reply("hl"));
        await zero.ExpectAsync(Wire.Reply("hl"));
        await negative.ExpectSilenceAsync(Quiet);
    }

    [Fact]
    public async Task Message_to_bare_jid_groupchat_gets_service_unavailable()
    {
        await using var bob = await fixture.LoginAsync("bob", "groupchat-target");
        await bob.BecomeAvailableAsync();
        await using var alice = await fixture.LoginAsync("alice", "groupchat");
        await alice.SendAsync("<message to='bob@localhost' type='groupchat' id='gc'><body>room?</body></message>");
        Assert.Equal("service-unavailable", Wire.ErrorCondition(await alice.ExpectAsync(Wire.Reply("gc"))));
    }

    [Fact]
    public async Task Message_to_bare_jid_without_available_resource_is_stored_offline_and_delivered_on_available_presence()
    {
        var bob = await fixture.NewUserAsync("offline");
        await using var notAvailable = await fixture.LoginAsync(bob, "bound-only");
        await using var negative = await fixture.LoginAsync(bob, "negative");
        await negative.BecomeAvailableAsync(-5);
        await using var alice = await fixture.LoginAsync("alice", "offline-sender");
        await alice.SendAsync($"<message to='{bob}@localhost' type='chat' id='off1'><body>while you were out</body></message>");
        await alice.ExpectSilenceAsync(Quiet);
        await notAvailable.ExpectSilenceAsync(TimeSpan.FromMilliseconds(50));
        await negative.ExpectSilenceAsync(TimeSpan.FromMilliseconds(50));

        await using var later = await fixture.LoginAsync(bob, "later");
        await later.SendPresenceAsync();
        var stored = await later.ExpectAsync(Wire.Reply("off1"));
        Assert.Equal("while you were out", stored.Element(Wire.Client + "body")?.Value);
        Assert.Equal("alice@localhost/offline-sender", (string?)stored.Attribute("from"));
    }

    [Fact]
    public async Task Message_to_bare_jid_without_available_resource_headline_is_dropped()
    {
        var bob = await fixture.NewUserAsync("headline-offline");
        await using var alice = await fixture.LoginAsync("alice", "headline-offline");
        await alice.SendAsync($"<message to='{bob}@localhost' type='headline' id='hl-off'><body>gone</body></message>");
        await alice.ExpectSilenceAsync(Quiet);
        await using var later = await fixture.LoginAsync(bob, "later");
        await later.SendPresenceAsync();
        await Assert.ThrowsAsync<TimeoutException>(() => later.ExpectAsync(Wire.Reply("hl-off"), Quiet));
    }

    [Theory]
    [InlineData("chat")]
    [InlineData("normal")]
    [InlineData("headline")]
    public async Task Message_to_bare_jid_without_account_gets_service_unavailable(string type)
    {
        await using var alice = await fixture.LoginAsync("alice", "no-account-" + type);
        await alice.SendAsync($"<message to='nobody@localhost' type='{type}' id='na'><body>anyone?</body></message>");
        var error = await alice.ExpectAsync(Wire.Reply("na"));
        Assert.Equal("service-unavailable", Wire.ErrorCondition(error));
        Assert.Equal("nobody@localhost", (string?)error.Attribute("from"));
    }

    [Fact]
    public async Task Message_error_to_bare_jid_without_account_is_dropped()
    {
        await using var alice = await fixture.LoginAsync("alice", "no-account-error");
        await alice.SendAsync("<message to='nobody@localhost' type='error' id='e'><error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>");
        await alice.ExpectSilenceAsync(Quiet);
    }

    [Fact]
    public async Task Message_to_full_jid_session_bound_is_delivered_even_before_presence()
    {
        await using var bob = await fixture.LoginAsync("bob", "full-bound");
        await using var alice = await fixture.LoginAsync("alice", "full-sender");
        await alice.SendAsync("<message to='bob@localhost/full-bound' type='normal' id='full1'><body>direct</body></message>");
        var message = await bob.ExpectAsync(Wire.Reply("full1"));
        Assert.Equal("alice@localhost/full-sender", (string?)message.Attribute("from"));
        Assert.Equal("bob@localhost/full-bound", (string?)message.Attribute("to"));
    }

    [Theory]
    [InlineData("chat")]
    [InlineData("normal")]
    [InlineData("headline")]
    public async Task Message_to_full_jid_no_such_session_goes_as_to_the_bare_jid(string type)
    {
        var bob = await fixture.NewUserAsync("no-session");
        await using var available = await fixture.LoginAsync(bob, "available");
        await available.BecomeAvailableAsync();
        await using var alice = await fixture.LoginAsync("alice", "no-session-" + type);
        await alice.SendAsync($"<message to='{bob}@localhost/gone' type='{type}' id='ns'><body>redirected</body></message>");
        var message = await available.ExpectAsync(Wire.Reply("ns"));
        Assert.Equal($"{bob}@localhost/gone", (string?)message.Attribute("to"));
    }

    [Fact]
    public async Task Message_to_full_jid_no_such_session_groupchat_gets_service_unavailable()
    {
        await using var alice = await fixture.LoginAsync("alice", "no-session-gc");
        await alice.SendAsync("<message to='bob@localhost/gone' type='groupchat' id='gc2'><body>x</body></message>");
        Assert.Equal("service-unavailable", Wire.ErrorCondition(await alice.ExpectAsync(Wire.Reply("gc2"))));
    }

    [Fact]
    public async Task Message_to_full_jid_no_such_session_error_is_dropped()
    {
        var bob = await fixture.NewUserAsync("no-session-error");
        await using var available = await fixture.LoginAsync(bob, "available");
        await available.BecomeAvailableAsync();
        await using var alice = await fixture.LoginAsync("alice", "no-session-error");
        await alice.SendAsync($"<message to='{bob}@localhost/gone' type='error' id='err'><error type='cancel'><gone xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>");
        await available.ExpectSilenceAsync(Quiet);
        await alice.ExpectSilenceAsync(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task Message_to_other_domain_gets_remote_server_not_found()
    {
        await using var alice = await fixture.LoginAsync("alice", "remote");
        await alice.SendAsync("<message to='romeo@example.net/orchard' type='chat' id='rm'><body>hi</body></message>");
        var error = await alice.ExpectAsync(Wire.Reply("rm"));
        Assert.Equal("remote-server-not-found", Wire.ErrorCondition(error));
        Assert.Equal("romeo@example.net/orchard", (string?)error.Attribute("from"));
    }

    [Theory]
    [InlineData("@localhost")]
    [InlineData("a@b@localhost")]
    [InlineData("bob@")]
    [InlineData("bob@localhost/")]
    [InlineData("bob@exa mple.net")]
    public async Task Message_to_malformed_jid_gets_jid_malformed(string to)
    {
        await using var alice = await fixture.LoginAsync("alice", "malformed");
        await alice.SendAsync($"<message to='{to}' type='chat' id='mal'><body>?</body></message>");
        var error = await alice.ExpectAsync(Wire.Reply("mal"));
        Assert.Equal("jid-malformed", Wire.ErrorCondition(error));
    }

    [Fact]
    public async Task Message_error_to_malformed_jid_is_dropped()
    {
        await using var alice = await fixture.LoginAsync("alice", "malformed-error");
        await alice.SendAsync("<message to='a@b@localhost' type='error' id='mal-e'/>");
        await alice.ExpectSilenceAsync(Quiet);
    }
}
