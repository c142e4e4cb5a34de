using System.Xml.Linq;
using HighPerf.Xmpp.EndToEnd.Tests.Im;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Http;

/// <summary>BOSH (XEP-0124/0206) over real HTTP requests, with TCP clients on the other side.</summary>
public sealed class BoshTests
{
    private static readonly XNamespace Client = "jabber:client";
    private static readonly XNamespace StreamErrors = "urn:ietf:params:xml:ns:xmpp-streams";

    [Fact]
    public async Task Bosh_session_creation_announces_the_limits_and_carries_the_features()
    {
        await using var server = await TestServers.StartAsync(WebSocketTests.PlainHttp);
        using var client = new BoshTestClient(BoshTestClient.UriOf(server.HttpEndPoint));
        var created = await client.CreateAsync(wait: 600, hold: 5);
        Assert.False(string.IsNullOrEmpty((string?)created.Attribute("sid")));
        Assert.Equal("60", (string?)created.Attribute("wait"));   // capped at http.bosh.maxWaitSeconds
        Assert.Equal("1", (string?)created.Attribute("hold"));    // capped at http.bosh.maxHold
        Assert.Equal("2", (string?)created.Attribute("requests"));
        Assert.Equal("60", (string?)created.Attribute("inactivity"));
        Assert.Equal("localhost", (string?)created.Attribute("from"));
        Assert.Equal("1.0", (string?)created.Attribute(BoshTestClient.XBosh + "version"));
        Assert.Equal("true", (string?)created.Attribute(BoshTestClient.XBosh + "restartlogic"));
        var features = created.Element(BoshTestClient.Streams + "features");
        Assert.NotNull(features);
        Assert.Contains(features.Descendants(BoshTestClient.Sasl + "mechanism"), m => m.Value == "SCRAM-SHA-256");
    }

    [Fact]
    public async Task Bosh_client_logs_in_with_scram_and_chats_with_a_tcp_client_both_ways()
    {
        await using var server = await TestServers.StartAsync(WebSocketTests.PlainHttp);
        await using var bob = await ImSteps.OnlineAsync(server, "bob", "tcp");
        using var alice = new BoshTestClient(BoshTestClient.UriOf(server.HttpEndPoint));
        Assert.Equal("alice@localhost/bosh", await alice.LoginAsync("alice", "bosh"));

        await alice.SendAsync("<presence xmlns='jabber:client'/><presence xmlns='jabber:client' to='bob@localhost/tcp'/>");
        await bob.ExpectAsync(e => e.Name.LocalName == "presence" && (string?)e.Attribute("from") == "alice@localhost/bosh");
        await alice.SendAsync("<message xmlns='jabber:client' to='bob@localhost/tcp' type='chat'><body>over bosh</body></message>");
        var atBob = await bob.ExpectAsync(e => e.Name.LocalName == "message");
        Assert.Equal("alice@localhost/bosh", (string?)atBob.Attribute("from"));
        Assert.Equal("over bosh", atBob.Element(Client + "body")?.Value);

        await bob.SendAsync("<message to='alice@localhost/bosh' type='chat'><body>back &lt;to&gt; you</body></message>");
        var atAlice = await alice.ExpectAsync(e => e.Name == Client + "message");
        Assert.Equal("bob@localhost/tcp", (string?)atAlice.Attribute("from"));
        Assert.Equal("back <to> you", atAlice.Element(Client + "body")?.Value);

        // §13: type='terminate' ends the session like a closed stream: unavailable to whom saw the presence.
        var end = await alice.SendAsync("<presence xmlns='jabber:client' type='unavailable'/>", " type='terminate'");
        Assert.Equal("terminate", (string?)end.Attribute("type"));
        var gone = await bob.ExpectAsync(e => e.Name.LocalName == "presence" && (string?)e.Attribute("type") == "unavailable");
        Assert.Equal("alice@localhost/bosh", (string?)gone.Attribute("from"));
        var after = await alice.SendAsync();
        Assert.Equal("item-not-found", (string?)after.Attribute("condition"));
    }

    [Fact]
    public async Task Bosh_requests_arriving_out_of_rid_order_are_processed_in_rid_order()
    {
        await using var server = await TestServers.StartAsync(WebSocketTests.PlainHttp);
        await using var bob = await ImSteps.OnlineAsync(server, "bob", "tcp");
        using var alice = new BoshTestClient(BoshTestClient.UriOf(server.HttpEndPoint));
        await alice.LoginAsync("alice", "bosh", wait: 2);
        var first = alice.Rid + 1;
        var second = alice.Rid + 2;
        alice.Rid = second;

        // The later rid first: it waits for the missing one (§14.2), so bob sees nothing yet.
        var late = alice.PostAsync(alice.Body("<message xmlns='jabber:client' to='bob@localhost/tcp' type='chat'><body>second</body></message>", rid: second));
        await Task.Delay(300);
        Assert.False(late.IsCompleted);
        var early = alice.PostAsync(alice.Body("<message xmlns='jabber:client' to='bob@localhost/tcp' type='chat'><body>first</body></message>", rid: first));
        var m1 = await bob.ExpectAsync(e => e.Name.LocalName == "message");
        var m2 = await bob.ExpectAsync(e => e.Name.LocalName == "message");
        Assert.Equal("first", m1.Element(Client + "body")?.Value);
        Assert.Equal("second", m2.Element(Client + "body")?.Value);
        Assert.NotEqual("terminate", (string?)(await early).Attribute("type"));
        Assert.NotEqual("terminate", (string?)(await late).Attribute("type"));
    }

    [Fact]
    public async Task Bosh_dropped_connection_is_recovered_by_resending_the_same_rid()
    {
        await using var server = await TestServers.StartAsync(WebSocketTests.PlainHttp);
        await using var bob = await ImSteps.OnlineAsync(server, "bob", "tcp");
        using var alice = new BoshTestClient(BoshTestClient.UriOf(server.HttpEndPoint));
        await alice.LoginAsync("alice", "bosh", wait: 30);

        // A held poll whose HTTP connection breaks (the client gives up on it).
        var body = alice.Body();
        using (var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => alice.PostAsync(body, cancel.Token));
        }

        // The message is answered into that lost request; resending the same rid returns it (§14.3).
        await bob.SendAsync("<message to='alice@localhost/bosh' type='chat'><body>not lost</body></message>");
        await Task.Delay(500);
        var resent = await alice.PostAsync(body);
        Assert.Equal("not lost", resent.Element(Client + "message")?.Element(Client + "body")?.Value);
    }

    [Fact]
    public async Task Bosh_repeated_rid_is_answered_with_the_cached_response_and_a_bad_rid_terminates()
    {
        await using var server = await TestServers.StartAsync(WebSocketTests.PlainHttp);
        using var alice = new BoshTestClient(BoshTestClient.UriOf(server.HttpEndPoint));
        await alice.LoginAsync("alice", "bosh", wait: 2);
        var body = alice.Body("<iq xmlns='jabber:client' type='get' id='v1' to='localhost'><query xmlns='jabber:iq:version'/></iq>");
        var once = await alice.PostAsync(body);
        Assert.Equal("result", (string?)once.Element(Client + "iq")?.Attribute("type"));
        var twice = await alice.PostAsync(body);
        Assert.Equal(once.ToString(), twice.ToString());

        // A rid beyond the window: item-not-found, and the session is gone.
        var far = await alice.PostAsync(alice.Body(rid: alice.Rid + 50));
        Assert.Equal("terminate", (string?)far.Attribute("type"));
        Assert.Equal("item-not-found", (string?)far.Attribute("condition"));
        var after = await alice.SendAsync();
        Assert.Equal("item-not-found", (string?)after.Attribute("condition"));
    }

    [Fact]
    public async Task Bosh_unknown_sid_and_malformed_bodies_are_terminated()
    {
        await using var server = await TestServers.StartAsync(WebSocketTests.PlainHttp);
        using var client = new BoshTestClient(BoshTestClient.UriOf(server.HttpEndPoint));
        var unknown = await client.PostAsync("<body rid='5' sid='nosuchsession' xmlns='http://jabber.org/protocol/httpbind'/>");
        Assert.Equal("item-not-found", (string?)unknown.Attribute("condition"));
        var notBody = await client.PostAsync("<message xmlns='jabber:client'/>");
        Assert.Equal("bad-request", (string?)notBody.Attribute("condition"));
        var broken = await client.PostAsync("<body rid='5' xmlns='http://jabber.org/protocol/httpbind'><iq></body>");
        Assert.Equal("bad-request", (string?)broken.Attribute("condition"));

        // Bad XML inside a session's body: a stream error, delivered as remote-stream-error.
        await client.CreateAsync(wait: 2);
        var bad = await client.SendAsync("<iq xmlns='jabber:client' type='get' id='a'><query xmlns='x'>&bogus;</query></iq>");
        Assert.Equal("terminate", (string?)bad.Attribute("type"));
        Assert.Equal("remote-stream-error", (string?)bad.Attribute("condition"));
        Assert.NotNull(bad.Element(BoshTestClient.Streams + "error"));
    }

    [Fact]
    public async Task Bosh_body_over_the_stanza_size_limit_ends_the_session_with_policy_violation()
    {
        await using var server = await TestServers.StartAsync(c =>
        {
            WebSocketTests.PlainHttp(c);
            c.Limits.MaxStanzaBytes = 16 * 1024;
        });
        using var alice = new BoshTestClient(BoshTestClient.UriOf(server.HttpEndPoint));
        await alice.LoginAsync("alice", "bosh", wait: 2);
        var big = new string('x', 64 * 1024);
        var response = await alice.SendAsync($"<message xmlns='jabber:client' to='bob@localhost'><body>{big}</body></message>");
        Assert.Equal("terminate", (string?)response.Attribute("type"));
        Assert.Equal("policy-violation", (string?)response.Attribute("condition"));
        var after = await alice.SendAsync();
        Assert.Equal("item-not-found", (string?)after.Attribute("condition"));
    }

    [Fact]
    public async Task Bosh_session_without_requests_for_longer_than_inactivity_ends_and_goes_unavailable()
    {
        await using var server = await TestServers.StartAsync(c =>
        {
            WebSocketTests.PlainHttp(c);
            c.Http.Bosh.InactivitySeconds = 2;
        });
        await using var bob = await ImSteps.OnlineAsync(server, "bob", "tcp");
        using var alice = new BoshTestClient(BoshTestClient.UriOf(server.HttpEndPoint));
        await alice.LoginAsync("alice", "bosh", wait: 1);
        await alice.SendAsync("<presence xmlns='jabber:client'/><presence xmlns='jabber:client' to='bob@localhost/tcp'/>");
        await bob.ExpectAsync(e => e.Name.LocalName == "presence" && (string?)e.Attribute("from") == "alice@localhost/bosh");

        // No more requests: after 'inactivity' the session ends as if the connection dropped.
        var gone = await bob.ExpectAsync(e => e.Name.LocalName == "presence" && (string?)e.Attribute("type") == "unavailable", TimeSpan.FromSeconds(20));
        Assert.Equal("alice@localhost/bosh", (string?)gone.Attribute("from"));
        var after = await alice.SendAsync();
        Assert.Equal("item-not-found", (string?)after.Attribute("condition"));
    }

    [Fact]
    public async Task Bosh_over_https_works_with_tls_required()
    {
        await using var server = await TestServers.StartAsync(c => c.Http.Enabled = true);
        using var alice = new BoshTestClient(BoshTestClient.UriOf(server.HttpsEndPoint, secure: true));
        Assert.Equal("alice@localhost/bosh", await alice.LoginAsync("alice", "bosh", wait: 2));
    }
}
