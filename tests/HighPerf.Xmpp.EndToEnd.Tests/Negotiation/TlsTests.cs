using System.Security.Authentication;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;
using HighPerf.Xmpp.TestKit.Processes;

namespace HighPerf.Xmpp.EndToEnd.Tests.Negotiation;

/// <summary>STARTTLS (RFC 6120 §5), direct TLS (XEP-0368) and the TLS versions offered (RFC 7590: 1.2 and 1.3).</summary>
public sealed class TlsTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Auth_before_starttls_fails_with_encryption_required()
    {
        await using var client = await fixture.ConnectAsync();
        await client.OpenStreamAsync();
        var outcome = await client.AuthenticateAsync("alice", "secret", "PLAIN");
        Assert.Equal("encryption-required", Wire.SaslFailure(outcome));
    }

    [Fact]
    public async Task Stanza_before_starttls_gets_policy_violation()
    {
        await using var client = await fixture.ConnectAsync();
        await client.OpenStreamAsync();
        await client.SendAsync("<message to='bob@localhost'><body>in the clear</body></message>");
        await client.ExpectStreamErrorAsync("policy-violation");
    }

    [Fact]
    public async Task Starttls_twice_gets_tls_failure_and_close()
    {
        await using var client = await fixture.ConnectSecureAsync();
        await client.SendAsync("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
        var failure = await client.NextElementAsync();
        Assert.Equal(XmppTestClient.Tls + "failure", failure.Name);
        await client.ExpectClosedAsync();
    }

    [Fact]
    public async Task Features_after_tls_no_longer_offer_starttls()
    {
        await using var client = await fixture.ConnectAsync();
        await client.OpenStreamAsync();
        var features = await client.StartTlsAsync();
        Assert.Null(features.Element(XmppTestClient.Tls + "starttls"));
        Assert.True(client.IsSecure);
    }

    [Theory]
    [InlineData(SslProtocols.Tls12)]
    [InlineData(SslProtocols.Tls13)]
    public async Task Starttls_negotiates_tls_1_2_and_1_3(SslProtocols version)
    {
        await using var client = await fixture.ConnectAsync();
        client.TlsVersions = version;
        await client.OpenStreamAsync();
        await client.StartTlsAsync();
        Assert.Equal(version, client.TlsProtocol);
        Assert.Equal(XmppTestClient.Sasl + "success", (await client.AuthenticateAsync("dave", "secret")).Name);
    }

    [Fact]
    public async Task Direct_tls_offers_no_starttls_and_logs_in_to_a_bound_session()
    {
        await using var client = await fixture.ConnectAsync(directTls: true);
        var features = await client.OpenStreamAsync();
        Assert.Null(features.Element(XmppTestClient.Tls + "starttls"));
        Assert.Equal(XmppTestClient.Sasl + "success", (await client.AuthenticateAsync("erin", "secret")).Name);
        await client.OpenStreamAsync();
        Assert.Equal("erin@localhost/direct", await client.BindAsync("direct"));
    }

    [Fact]
    public async Task Tls_1_1_is_refused_by_the_server()
    {
        var port = fixture.Server.DirectTlsEndPoint.Port;
        var result = await ChildProcess.RunAsync(
            "openssl", ["s_client", "-connect", $"127.0.0.1:{port}", "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0", "-alpn", "xmpp-client"],
            stdin: "", timeout: TimeSpan.FromSeconds(15));
        var output = result.StdOut + result.StdErr;

        // The client did offer TLS 1.1 (else the check proves nothing) and the server answered with an alert.
        Assert.DoesNotContain("no protocols available", output, StringComparison.Ordinal);
        Assert.Contains("alert protocol version", output, StringComparison.Ordinal);
        Assert.NotEqual(0, result.ExitCode);
    }
}
