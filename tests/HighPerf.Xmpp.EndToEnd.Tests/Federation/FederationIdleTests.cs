using System.Text.RegularExpressions;

namespace HighPerf.Xmpp.EndToEnd.Tests.Federation;

/// <summary>An s2s stream with no stanza either way for <c>federation.idleTimeoutSeconds</c> is closed with
/// <c>&lt;/stream:stream&gt;</c> (what it carried before is delivered first).</summary>
public sealed class FederationIdleTests
{
    [Fact]
    public async Task An_outbound_stream_without_stanzas_for_the_idle_timeout_is_closed_after_what_it_carried()
    {
        await using var gamma = StalledPeer.Listen("127.0.0.2", "gamma.test");
        await using var pair = await FederatedPair.StartAsync(f =>
        {
            f.Routes["gamma.test"] = $"127.0.0.2:{gamma.Port}";
            f.IdleTimeoutSeconds = 2;
        });
        await using var romeo = await pair.AlphaLoginAsync("romeo");

        await romeo.SendAsync("<message to='mercutio@gamma.test' type='chat' id='i1'><body>before idle</body></message>");
        await gamma.AcceptAndAuthenticateAsync(TimeSpan.FromSeconds(30));

        // Bounded: a server that never closes an idle stream fails here after 60 s.
        var received = await gamma.ReadUntilStreamCloseAsync(TimeSpan.FromSeconds(60));
        var message = Regex.Match(received, "id=['\"]i1['\"]");
        Assert.True(message.Success, $"the queued message did not arrive before the close; got: {received}");
        Assert.True(message.Index < received.IndexOf("</stream:stream>", StringComparison.Ordinal), received);
    }
}
