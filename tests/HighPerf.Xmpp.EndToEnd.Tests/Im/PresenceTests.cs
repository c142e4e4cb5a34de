using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Im;

/// <summary>RFC 6121 §4: broadcast, probes, unavailable on logout and on abrupt disconnect, directed presence.</summary>
public sealed class PresenceTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        foreach (var user in new[] { "alice", "bob", "eve", "carol" })
        {
            await _server.AddUserAsync(user, "secret");
        }

        // alice and bob are mutual contacts ('both'); eve has no subscription to anyone.
        await using var alice = await ImSteps.OnlineAsync(_server, "alice", "setup");
        await using var bob = await ImSteps.OnlineAsync(_server, "bob", "setup");
        await alice.SendAsync("<presence to='bob@localhost' type='subscribe'/>");
        await bob.ExpectPresenceAsync("alice@localhost", "subscribe");
        await bob.SendAsync("<presence to='alice@localhost' type='subscribed'/>");
        await bob.SendAsync("<presence to='alice@localhost' type='subscribe'/>");
        await alice.ExpectPresenceAsync("bob@localhost", "subscribe");
        await alice.SendAsync("<presence to='bob@localhost' type='subscribed'/>");
        await bob.ExpectPresenceAsync("alice@localhost", "subscribed");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Initial_presence_reaches_online_subscribers_and_brings_back_theirs()
    {
        await using var bob = await ImSteps.OnlineAsync(_server, "bob", "home");
        await using var alice = await XmppTestClient.LoginAsync(_server.ClientEndPoint, _server.Domain, "alice", "secret", "phone");
        await alice.GetRosterAsync();
        await alice.SendAsync("<presence><show>away</show><priority>5</priority></presence>");

        var seen = await bob.ExpectPresenceAsync("alice@localhost/phone");
        Assert.Equal("away", seen.Element(ImSteps.Client + "show")?.Value);
        Assert.Equal("bob@localhost/home", (string?)seen.Attribute("to"));
        await alice.ExpectPresenceAsync("bob@localhost/home"); // the probe is answered locally
    }

    [Fact]
    public async Task Unavailable_is_broadcast_on_logout_and_on_abrupt_disconnect()
    {
        await using var bob = await ImSteps.OnlineAsync(_server, "bob", "watch");
        var alice = await ImSteps.OnlineAsync(_server, "alice", "gone");
        await bob.ExpectPresenceAsync("alice@localhost/gone");

        await alice.DisposeAsync(); // socket closed without </stream:stream>
        await bob.ExpectPresenceAsync("alice@localhost/gone", "unavailable");

        await using var again = await ImSteps.OnlineAsync(_server, "alice", "clean");
        await bob.ExpectPresenceAsync("alice@localhost/clean");
        await again.SendAsync("<presence type='unavailable'><status>bye</status></presence>");
        var bye = await bob.ExpectPresenceAsync("alice@localhost/clean", "unavailable");
        Assert.Equal("bye", bye.Element(ImSteps.Client + "status")?.Value);
    }

    [Fact]
    public async Task Presence_is_not_leaked_to_users_without_a_subscription()
    {
        await using var eve = await ImSteps.OnlineAsync(_server, "eve", "listen");
        await using var alice = await ImSteps.OnlineAsync(_server, "alice", "secret-presence");
        await alice.SendAsync("<presence><show>dnd</show></presence>");
        await eve.ExpectSilenceAsync(TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public async Task Directed_presence_is_delivered_and_its_unavailable_sent_at_logout()
    {
        await using var carol = await ImSteps.OnlineAsync(_server, "carol", "desk");
        var eve = await ImSteps.OnlineAsync(_server, "eve", "direct");
        await eve.SendAsync("<presence to='carol@localhost/desk'><status>psst</status></presence>");
        var direct = await carol.ExpectPresenceAsync("eve@localhost/direct");
        Assert.Equal("psst", direct.Element(ImSteps.Client + "status")?.Value);

        await eve.DisposeAsync();
        await carol.ExpectPresenceAsync("eve@localhost/direct", "unavailable");
    }

    [Fact]
    public async Task Messages_to_the_bare_jid_go_to_the_highest_priority_resource()
    {
        await using var low = await XmppTestClient.LoginAsync(_server.ClientEndPoint, _server.Domain, "carol", "secret", "low");
        await using var high = await XmppTestClient.LoginAsync(_server.ClientEndPoint, _server.Domain, "carol", "secret", "high");
        await low.SendAsync("<presence><priority>1</priority></presence>");
        await high.SendAsync("<presence><priority>10</priority></presence>");
        await using var alice = await ImSteps.OnlineAsync(_server, "alice", "sender");
        await high.ExpectPresenceAsync("carol@localhost/low"); // both presences have landed

        await alice.SendAsync("<message to='carol@localhost' type='chat' id='p1'><body>to the best</body></message>");
        var got = await high.ExpectAsync(e => e.Name == ImSteps.Client + "message");
        Assert.Equal("to the best", got.Element(ImSteps.Client + "body")?.Value);
        await Assert.ThrowsAsync<TimeoutException>(() => low.ExpectAsync(e => e.Name == ImSteps.Client + "message", TimeSpan.FromMilliseconds(300)));
    }
}
