using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Negotiation;

/// <summary>Inbound limits enforced by the tokenizer reach the client as policy-violation stream errors.</summary>
public sealed class LimitTests : IAsyncLifetime
{
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServers.StartAsync(c =>
    {
        c.Limits.MaxStanzaBytes = 8192;
        c.Limits.MaxDepth = 6;
        c.Limits.MaxAttributes = 10;
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Stanza_over_the_size_limit_gets_policy_violation_and_ends_the_session()
    {
        await using var client = await _server.LoginAsync("alice", "big");
        await client.SendAsync($"<message to='bob@localhost'><body>{new string('x', 9000)}</body></message>");
        await client.ExpectStreamErrorAsync("policy-violation");
        await _server.WaitUntilUnboundAsync("alice@localhost/big");
    }

    [Fact]
    public async Task Stanza_just_under_the_size_limit_is_routed()
    {
        await using var client = await _server.LoginAsync("alice", "fits");
        var stanza = $"<message to='alice@localhost/fits' id='fits'><body>{new string('x', 7000)}</body></message>";
        await client.SendAsync(stanza);
        Assert.Equal(7000, (await client.ExpectAsync(Wire.Named("message"))).Value.Length);
    }

    [Fact]
    public async Task Nesting_deeper_than_the_limit_gets_policy_violation()
    {
        await using var client = await _server.LoginAsync("alice", "deep");
        await client.SendAsync($"<message to='bob@localhost'>{string.Concat(Enumerable.Repeat("<a>", 10))}{string.Concat(Enumerable.Repeat("</a>", 10))}</message>");
        await client.ExpectStreamErrorAsync("policy-violation");
    }

    [Fact]
    public async Task Too_many_attributes_get_policy_violation()
    {
        await using var client = await _server.LoginAsync("alice", "attrs");
        var attributes = string.Join(' ', Enumerable.Range(0, 20).Select(i => $"a{i}='v'"));
        await client.SendAsync($"<message to='bob@localhost'><x xmlns='urn:example' {attributes}/></message>");
        await client.ExpectStreamErrorAsync("policy-violation");
    }

    [Fact]
    public async Task Oversized_stream_header_gets_policy_violation()
    {
        await using var client = await _server.ConnectAsync();
        await client.SendAsync($"<stream:stream to='localhost' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' x='{new string('h', 6000)}'>");
        await client.ExpectStreamErrorAsync("policy-violation");
    }

    [Fact]
    public async Task Oversized_unauthenticated_element_gets_policy_violation()
    {
        await using var client = await _server.ConnectAsync();
        await client.OpenStreamAsync();
        await client.SendAsync($"<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'>{new string('y', 9000)}</starttls>");
        await client.ExpectStreamErrorAsync("policy-violation");
    }
}
