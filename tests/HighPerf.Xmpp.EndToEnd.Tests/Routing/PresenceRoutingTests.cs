using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Routing;

/// <summary>The "presence" column of the routing table in src/ARCHITECTURE.md (directed presence, RFC 6121 §4.6, §8.5).</summary>
public sealed class PresenceRoutingTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(400);

    [Fact]
    public async Task Presence_without_to_is_reflected_to_the_senders_available_resources()
    {
        var user = await fixture.NewUserAsync("broadcast");
        await using var a = await fixture.LoginAsync(user, "a");
        await using var b = await fixture.LoginAsync(user, "b");
        await b.BecomeAvailableAsync();
        await a.SendAsync("<presence><show>away</show></presence>");
        var presence = await b.ExpectAsync(e => e.Name.LocalName == "presence" && (string?)e.Attribute("from") == $"{user}@localhost/a");
        Assert.Equal("away", presence.Element(Wire.Client + "show")?.Value);
    }

    [Fact]
    public async Task Initial_presence_is_reflected_to_the_sending_resource_itself()
    {
        // RFC 6121 §4.2.2: "The user's server MUST also broadcast initial presence from the user's newly
        // available resource to all of the user's available resources, including the resource that generated
        // the presence notification in the first place (i.e., an entity is implicitly subscribed to its own presence)."
        await using var alice = await fixture.LoginAsync("alice", "self-presence");
        await alice.SendAsync("<presence><status>here</status></presence>");
        var echo = await alice.ExpectAsync(e => e.Name.LocalName == "presence", TimeSpan.FromSeconds(3));
        Assert.Equal("alice@localhost/self-presence", (string?)echo.Attribute("from"));
    }

    [Fact]
    public async Task Presence_to_own_server_is_dropped()
    {
        await using var alice = await fixture.LoginAsync("alice", "presence-server");
        await alice.SendAsync("<presence to='localhost' id='ps'/>");
        await alice.ExpectSilenceAsync(Quiet);
    }

    [Fact]
    public async Task Presence_to_domain_resource_is_dropped()
    {
        await using var alice = await fixture.LoginAsync("alice", "presence-domain-resource");
        await alice.SendAsync("<presence to='localhost/admin' id='pdr'/>");
        await alice.ExpectSilenceAsync(Quiet);
    }

    [Fact]
    public async Task Presence_to_bare_jid_goes_to_all_available_resources()
    {
        var bob = await fixture.NewUserAsync("directed-bare");
        await using var one = await fixture.LoginAsync(bob, "one");
        await using var two = await fixture.LoginAsync(bob, "two");
        await using var bound = await fixture.LoginAsync(bob, "bound-only");
        await one.BecomeAvailableAsync(3);
        await two.BecomeAvailableAsync(-1);
        await using var alice = await fixture.LoginAsync("alice", "directed-bare");
        await alice.SendAsync($"<presence to='{bob}@localhost' id='pb'><status>hello</status></presence>");
        Assert.Equal("alice@localhost/directed-bare", (string?)(await one.ExpectAsync(Wire.Reply("pb"))).Attribute("from"));
        await two.ExpectAsync(Wire.Reply("pb"));
        await bound.ExpectSilenceAsync(Quiet);
    }

    [Fact]
    public async Task Presence_to_bare_jid_without_account_is_dropped()
    {
        await using var alice = await fixture.LoginAsync("alice", "presence-nobody");
        await alice.SendAsync("<presence to='nobody@localhost' id='pn'/>");
        await alice.ExpectSilenceAsync(Quiet);
    }

    [Fact]
    public async Task Presence_to_full_jid_session_bound_is_delivered()
    {
        await using var bob = await fixture.LoginAsync("bob", "presence-full");
        await using var alice = await fixture.LoginAsync("alice", "presence-full");
        await alice.SendAsync("<presence to='bob@localhost/presence-full' id='pf'><show>chat</show></presence>");
        var presence = await bob.ExpectAsync(Wire.Reply("pf"));
        Assert.Equal("alice@localhost/presence-full", (string?)presence.Attribute("from"));
        Assert.Equal("chat", presence.Element(Wire.Client + "show")?.Value);
    }

    [Fact]
    public async Task Presence_to_full_jid_no_such_session_is_dropped()
    {
        var bob = await fixture.NewUserAsync("presence-gone");
        await using var other = await fixture.LoginAsync(bob, "other");
        await other.BecomeAvailableAsync();
        await using var alice = await fixture.LoginAsync("alice", "presence-gone");
        await alice.SendAsync($"<presence to='{bob}@localhost/gone' id='pg'/>");
        await other.ExpectSilenceAsync(Quiet);
        await alice.ExpectSilenceAsync(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task Presence_to_other_domain_gets_remote_server_not_found()
    {
        await using var alice = await fixture.LoginAsync("alice", "presence-remote");
        await alice.SendAsync("<presence to='romeo@example.net' id='pr'/>");
        Assert.Equal("remote-server-not-found", Wire.ErrorCondition(await alice.ExpectAsync(Wire.Reply("pr"))));
    }

    [Fact]
    public async Task Presence_to_malformed_jid_gets_jid_malformed()
    {
        await using var alice = await fixture.LoginAsync("alice", "presence-malformed");
        await alice.SendAsync("<presence to='a@b@localhost' id='pm'/>");
        Assert.Equal("jid-malformed", Wire.ErrorCondition(await alice.ExpectAsync(Wire.Reply("pm"))));
    }

    [Fact]
    public async Task Presence_with_unknown_type_gets_bad_request()
    {
        await using var alice = await fixture.LoginAsync("alice", "presence-type");
        await alice.SendAsync("<presence type='sleepy' id='pt'/>");
        Assert.Equal("bad-request", Wire.ErrorCondition(await alice.ExpectAsync(Wire.Reply("pt"))));
    }
}
