using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;
using static HighPerf.Xmpp.EndToEnd.Tests.StreamManagement.SmSteps;

namespace HighPerf.Xmpp.EndToEnd.Tests.StreamManagement;

/// <summary>XEP-0198 enable, acks and requests on one stream (urn:xmpp:sm:3).</summary>
public sealed class StreamManagementTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync()
        => _server = await TestServers.StartAsync(config => config.Modules.Sm.RequestAfterStanzas = 3);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Sm_is_offered_after_sasl_and_enable_returns_a_resumption_id_with_max()
    {
        var (client, features) = await AuthenticatedAsync(_server, "alice");
        await using var _ = client;
        Assert.NotNull(features.Element(Sm + "sm"));
        await client.BindAsync("phone");
        await client.SendAsync("<enable xmlns='urn:xmpp:sm:3' resume='true' max='60'/>");
        var enabled = await client.NextElementAsync();
        Assert.Equal(Sm + "enabled", enabled.Name);
        Assert.False(string.IsNullOrEmpty((string?)enabled.Attribute("id")));
        Assert.Equal("true", (string?)enabled.Attribute("resume"));
        Assert.Equal("60", (string?)enabled.Attribute("max")); // the client's shorter preference wins
    }

    [Fact]
    public async Task R_is_answered_with_the_count_of_handled_stanzas()
    {
        await using var client = await _server.LoginAsync("alice", "counter");
        await client.SendAsync("<enable xmlns='urn:xmpp:sm:3'/>");
        var enabled = await client.NextElementAsync();
        Assert.Null(enabled.Attribute("id")); // not resumable unless asked
        await client.SendAsync("<r xmlns='urn:xmpp:sm:3'/>");
        Assert.Equal("0", (string?)(await client.ExpectAsync(e => e.Name == Sm + "a")).Attribute("h"));

        await client.SendAsync("<iq type='get' id='p1'><ping xmlns='urn:xmpp:ping'/></iq><iq type='get' id='p2'><ping xmlns='urn:xmpp:ping'/></iq>");
        await client.SendAsync("<message to='nobody@localhost' type='chat' id='x'><body>b</body></message><r xmlns='urn:xmpp:sm:3'/>");
        Assert.Equal("3", (string?)(await client.ExpectAsync(e => e.Name == Sm + "a")).Attribute("h"));
    }

    [Fact]
    public async Task Enable_before_bind_or_twice_fails_with_unexpected_request()
    {
        var (client, _) = await AuthenticatedAsync(_server, "alice");
        await using var c = client;
        await client.SendAsync("<enable xmlns='urn:xmpp:sm:3'/>");
        var early = await client.NextElementAsync();
        Assert.Equal(Sm + "failed", early.Name);
        Assert.Equal("unexpected-request", FailedCondition(early));

        await client.BindAsync("twice");
        await client.SendAsync("<enable xmlns='urn:xmpp:sm:3'/>");
        Assert.Equal(Sm + "enabled", (await client.NextElementAsync()).Name);
        await client.SendAsync("<enable xmlns='urn:xmpp:sm:3'/>");
        var again = await client.NextElementAsync();
        Assert.Equal(Sm + "failed", again.Name);
        Assert.Equal("unexpected-request", FailedCondition(again));
    }

    [Fact]
    public async Task Acking_more_than_was_sent_ends_the_stream_with_handled_count_too_high()
    {
        await using var client = await _server.LoginAsync("alice", "liar");
        await client.SendAsync("<enable xmlns='urn:xmpp:sm:3'/>");
        await client.NextElementAsync();
        await client.SendAsync("<a xmlns='urn:xmpp:sm:3' h='5'/>");
        var error = await client.ExpectAsync(e => e.Name == XmppTestClient.Streams + "error");
        Assert.Equal("undefined-condition", error.Elements().First().Name.LocalName);
        var detail = error.Element(Sm + "handled-count-too-high");
        Assert.NotNull(detail);
        Assert.Equal("5", (string?)detail.Attribute("h"));
        Assert.Equal("0", (string?)detail.Attribute("send-count"));
    }

    [Fact]
    public async Task The_server_requests_an_ack_after_the_configured_number_of_unacked_stanzas_and_an_ack_resets_it()
    {
        await using var alice = await _server.LoginAsync("alice", "acker");
        await alice.SendAsync("<enable xmlns='urn:xmpp:sm:3'/>");
        await alice.NextElementAsync();
        await using var bob = await _server.LoginAsync("bob", "sender");
        for (var i = 0; i < 3; i++)
        {
            await bob.SendAsync(Chat(alice.Jid!, $"m{i}"));
        }

        var seen = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            var next = await alice.NextElementAsync();
            seen.Add(next.Name.LocalName);
        }

        Assert.Equal(["message", "message", "message", "r"], seen);
        await alice.SendAsync("<a xmlns='urn:xmpp:sm:3' h='3'/>");
        await bob.SendAsync(Chat(alice.Jid!, "m3"));
        Assert.Equal(Client + "message", (await alice.NextElementAsync()).Name);
        await alice.ExpectSilenceAsync(TimeSpan.FromMilliseconds(300)); // one unacked stanza: no request yet
    }
}
