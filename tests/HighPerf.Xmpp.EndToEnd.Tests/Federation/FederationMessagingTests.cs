using HighPerf.Xmpp.EndToEnd.Tests.Im;

namespace HighPerf.Xmpp.EndToEnd.Tests.Federation;

/// <summary>RFC 6120 s2s between two instances of our server: messages and iqs cross, errors come back.</summary>
public sealed class FederationMessagingTests : IAsyncLifetime
{
    private FederatedPair _pair = null!;

    public async Task InitializeAsync() => _pair = await FederatedPair.StartAsync();

    public async Task DisposeAsync() => await _pair.DisposeAsync();

    [Fact]
    public async Task A_message_to_a_remote_user_arrives_with_the_senders_full_jid_and_the_answer_comes_back()
    {
        await using var romeo = await _pair.AlphaLoginAsync("romeo");
        await using var juliet = await _pair.BetaLoginAsync("juliet");
        await romeo.SendAsync("<presence/>");
        await juliet.SendAsync("<presence/>");

        await romeo.SendAsync("<message to='juliet@beta.test' type='chat' id='m1'><body>Wherefore art thou?</body></message>");
        var received = await juliet.ExpectAsync(e => e.Name == ImSteps.Client + "message");
        Assert.Equal("romeo@alpha.test/r", (string?)received.Attribute("from"));
        Assert.Equal("Wherefore art thou?", received.Element(ImSteps.Client + "body")?.Value);

        await juliet.SendAsync("<message to='romeo@alpha.test/r' type='chat'><body>Here.</body></message>");
        var answer = await romeo.ExpectAsync(e => e.Name == ImSteps.Client + "message");
        Assert.Equal("juliet@beta.test/r", (string?)answer.Attribute("from"));
        Assert.Equal("Here.", answer.Element(ImSteps.Client + "body")?.Value);
    }

    [Fact]
    public async Task Messages_sent_while_the_link_is_set_up_arrive_in_order()
    {
        await using var romeo = await _pair.AlphaLoginAsync("romeo");
        await using var juliet = await _pair.BetaLoginAsync("juliet");
        await juliet.SendAsync("<presence/>");
        for (var i = 0; i < 50; i++)
        {
            await romeo.SendAsync($"<message to='juliet@beta.test' type='chat'><body>{i}</body></message>");
        }

        for (var i = 0; i < 50; i++)
        {
            var message = await juliet.ExpectAsync(e => e.Name == ImSteps.Client + "message");
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), message.Element(ImSteps.Client + "body")?.Value);
        }
    }

    [Fact]
    public async Task An_iq_to_the_remote_server_is_answered_over_the_link()
    {
        await using var romeo = await _pair.AlphaLoginAsync("romeo");
        await romeo.SendAsync("<iq type='get' to='beta.test' id='v1'><query xmlns='jabber:iq:version'/></iq>");
        var result = await romeo.ExpectAsync(e => ImSteps.IsResponse(e, "v1"));
        Assert.Equal("result", (string?)result.Attribute("type"));
        Assert.Equal("beta.test", (string?)result.Attribute("from"));
        Assert.NotNull(result.Element((System.Xml.Linq.XNamespace)"jabber:iq:version" + "query")?.Element((System.Xml.Linq.XNamespace)"jabber:iq:version" + "name"));
    }

    [Fact]
    public async Task An_iq_between_users_on_both_servers_round_trips()
    {
        await using var romeo = await _pair.AlphaLoginAsync("romeo");
        await using var juliet = await _pair.BetaLoginAsync("juliet");
        await romeo.SendAsync("<iq type='get' to='juliet@beta.test/r' id='p1'><ping xmlns='urn:xmpp:ping'/></iq>");
        var request = await juliet.ExpectAsync(e => ImSteps.IsResponse(e, "p1"));
        Assert.Equal("romeo@alpha.test/r", (string?)request.Attribute("from"));
        await juliet.SendAsync("<iq type='result' to='romeo@alpha.test/r' id='p1'/>");
        var result = await romeo.ExpectAsync(e => ImSteps.IsResponse(e, "p1"));
        Assert.Equal("result", (string?)result.Attribute("type"));
        Assert.Equal("juliet@beta.test/r", (string?)result.Attribute("from"));
    }

    [Fact]
    public async Task A_message_to_an_unknown_remote_user_comes_back_as_service_unavailable()
    {
        await using var romeo = await _pair.AlphaLoginAsync("romeo");
        await romeo.SendAsync("<message to='nobody@beta.test' type='chat' id='x1'><body>hello?</body></message>");
        var error = await romeo.ExpectAsync(e => e.Name == ImSteps.Client + "message" && (string?)e.Attribute("id") == "x1");
        Assert.Equal("error", (string?)error.Attribute("type"));
        Assert.Equal("nobody@beta.test", (string?)error.Attribute("from"));
        Assert.Equal("service-unavailable", ImSteps.ErrorCondition(error));
    }

    [Fact]
    public async Task A_message_to_an_offline_remote_user_is_stored_and_delivered_at_its_next_presence()
    {
        await using (var romeo = await _pair.AlphaLoginAsync("romeo"))
        {
            await romeo.SendAsync("<message to='juliet@beta.test' type='chat'><body>later</body></message>");
            await romeo.SendAsync("<iq type='get' to='beta.test' id='sync'><ping xmlns='urn:xmpp:ping'/></iq>");
            await romeo.ExpectAsync(e => ImSteps.IsResponse(e, "sync"));
        }

        await using var juliet = await _pair.BetaLoginAsync("juliet");
        await juliet.SendAsync("<presence/>");
        var stored = await juliet.ExpectAsync(e => e.Name == ImSteps.Client + "message");
        Assert.Equal("romeo@alpha.test/r", (string?)stored.Attribute("from"));
        Assert.Equal("later", stored.Element(ImSteps.Client + "body")?.Value);
    }
}
