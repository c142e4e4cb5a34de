using System.Xml.Linq;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Negotiation;

public sealed class LoginTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Theory]
    [InlineData("SCRAM-SHA-256")]
    [InlineData("SCRAM-SHA-1")]
    [InlineData("PLAIN")]
    public async Task Each_sasl_mechanism_logs_in_over_starttls_and_binds(string mechanism)
    {
        await using var client = await fixture.LoginAsync("alice", "login-" + mechanism, mechanism);
        Assert.Equal($"alice@localhost/login-{mechanism}", client.Jid);
        Assert.True(client.IsSecure);
    }

    [Fact]
    public async Task Features_before_tls_offer_only_required_starttls()
    {
        await using var client = await XmppTestClient.ConnectAsync(fixture.Server.ClientEndPoint, "localhost");
        var features = await client.OpenStreamAsync();
        var starttls = Assert.Single(features.Elements());
        Assert.Equal(XmppTestClient.Tls + "starttls", starttls.Name);
        Assert.NotNull(starttls.Element(XmppTestClient.Tls + "required"));
    }

    [Fact]
    public async Task Features_after_tls_offer_scram_and_plain()
    {
        await using var client = await XmppTestClient.ConnectAsync(fixture.Server.ClientEndPoint, "localhost");
        await client.OpenStreamAsync();
        var features = await client.StartTlsAsync();
        var mechanisms = features.Element(XmppTestClient.Sasl + "mechanisms")!.Elements().Select(e => e.Value).ToList();
        Assert.Equal(["SCRAM-SHA-256", "SCRAM-SHA-1", "PLAIN"], mechanisms);
    }

    [Fact]
    public async Task Wrong_password_fails_with_not_authorized()
    {
        await using var client = await XmppTestClient.ConnectAsync(fixture.Server.ClientEndPoint, "localhost");
        await client.OpenStreamAsync();
        await client.StartTlsAsync();
        var outcome = await client.AuthenticateAsync("alice", "wrong");
        Assert.Equal(XmppTestClient.Sasl + "failure", outcome.Name);
        Assert.NotNull(outcome.Element(XmppTestClient.Sasl + "not-authorized"));
    }

    [Fact]
    public async Task Direct_tls_listener_negotiates_alpn_xmpp_client()
    {
        await using var client = await XmppTestClient.ConnectAsync(fixture.Server.DirectTlsEndPoint, "localhost", directTls: true);
        Assert.Equal("xmpp-client", client.NegotiatedAlpn);
        var features = await client.OpenStreamAsync();
        Assert.NotNull(features.Element(XmppTestClient.Sasl + "mechanisms"));
    }

    [Fact]
    public async Task Message_between_two_users_arrives_with_full_from()
    {
        await using var alice = await fixture.LoginAsync("alice", "chat1");
        await using var bob = await fixture.LoginAsync("bob", "chat1");
        await alice.SendAsync("<message to='bob@localhost/chat1' type='chat' id='m1'><body>hi</body></message>");
        var message = await bob.NextElementAsync();
        Assert.Equal("alice@localhost/chat1", (string?)message.Attribute("from"));
        Assert.Equal("hi", message.Element(XName.Get("body", "jabber:client"))?.Value);
    }
}
