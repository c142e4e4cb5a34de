using System.Diagnostics;
using HighPerf.Xmpp.EndToEnd.Tests.Support;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Negotiation;

/// <summary>SASL (RFC 6120 §6): failure conditions, the delay and the limit after repeated failures.</summary>
public sealed class SaslTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Unknown_mechanism_fails_with_invalid_mechanism()
    {
        await using var client = await fixture.ConnectSecureAsync();
        await client.SendAsync("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='DIGEST-MD5'/>");
        Assert.Equal("invalid-mechanism", Wire.SaslFailure(await client.NextElementAsync()));
    }

    [Fact]
    public async Task Unknown_user_fails_with_not_authorized()
    {
        await using var client = await fixture.ConnectSecureAsync();
        Assert.Equal("not-authorized", Wire.SaslFailure(await client.AuthenticateAsync("nobody", "secret")));
    }

    [Theory]
    [InlineData("SCRAM-SHA-1")]
    [InlineData("PLAIN")]
    public async Task Wrong_password_fails_with_not_authorized_for_every_mechanism(string mechanism)
    {
        await using var client = await fixture.ConnectSecureAsync();
        Assert.Equal("not-authorized", Wire.SaslFailure(await client.AuthenticateAsync("alice", "wrong", mechanism)));
    }

    [Fact]
    public async Task Response_without_auth_fails_with_malformed_request()
    {
        await using var client = await fixture.ConnectSecureAsync();
        await client.SendAsync("<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>AAAA</response>");
        Assert.Equal("malformed-request", Wire.SaslFailure(await client.NextElementAsync()));
    }

    [Fact]
    public async Task Garbage_scram_message_fails_with_malformed_request()
    {
        await using var client = await fixture.ConnectSecureAsync();
        var garbage = Convert.ToBase64String("not a scram message"u8.ToArray());
        await client.SendAsync($"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-256'>{garbage}</auth>");
        Assert.Equal("malformed-request", Wire.SaslFailure(await client.NextElementAsync()));
    }

    [Fact]
    public async Task Bad_base64_fails_with_incorrect_encoding()
    {
        await using var client = await fixture.ConnectSecureAsync();
        await client.SendAsync("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>!!!not base64!!!</auth>");
        Assert.Equal("incorrect-encoding", Wire.SaslFailure(await client.NextElementAsync()));
    }

    [Fact]
    public async Task Abort_during_scram_fails_with_aborted_and_a_new_attempt_succeeds()
    {
        await using var client = await fixture.ConnectSecureAsync();
        var first = Convert.ToBase64String(new ScramClient("alice", "secret", System.Security.Cryptography.HashAlgorithmName.SHA256).ClientFirst());
        await client.SendAsync($"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-256'>{first}</auth>");
        Assert.Equal(XmppTestClient.Sasl + "challenge", (await client.NextElementAsync()).Name);
        await client.SendAsync("<abort xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
        Assert.Equal("aborted", Wire.SaslFailure(await client.NextElementAsync()));

        // One failure so far: the retry is answered at once and may succeed.
        Assert.Equal(XmppTestClient.Sasl + "success", (await client.AuthenticateAsync("alice", "secret")).Name);
    }

    [Fact]
    public async Task Second_failure_is_answered_after_a_delay_and_the_limit_closes_with_not_authorized()
    {
        await using var server = await TestServers.StartAsync(c =>
        {
            c.Auth.MaxFailures = 3;
            c.Auth.FailureDelayMs = 1500; // far above what a refused PLAIN costs even on a loaded machine
        });
        await using var client = await server.ConnectAsync();
        await client.OpenStreamAsync();
        await client.StartTlsAsync();

        var watch = Stopwatch.StartNew();
        Assert.Equal("not-authorized", Wire.SaslFailure(await client.AuthenticateAsync("alice", "wrong", "PLAIN")));
        Assert.True(watch.ElapsedMilliseconds < 1400, $"first failure took {watch.ElapsedMilliseconds} ms");

        watch.Restart();
        Assert.Equal("not-authorized", Wire.SaslFailure(await client.AuthenticateAsync("alice", "wrong", "PLAIN")));
        Assert.True(watch.ElapsedMilliseconds >= 1400, $"second failure took only {watch.ElapsedMilliseconds} ms");

        // The third failure reaches the limit: the failure, then a not-authorized stream error.
        Assert.Equal("not-authorized", Wire.SaslFailure(await client.AuthenticateAsync("alice", "wrong", "PLAIN")));
        await client.ExpectStreamErrorAsync("not-authorized");
    }

    [Fact]
    public async Task Auth_while_a_delayed_failure_is_pending_gets_policy_violation()
    {
        await using var server = await TestServers.StartAsync(c => c.Auth.FailureDelayMs = 2000);
        await using var client = await server.ConnectAsync();
        await client.OpenStreamAsync();
        await client.StartTlsAsync();
        Assert.Equal("not-authorized", Wire.SaslFailure(await client.AuthenticateAsync("alice", "wrong", "PLAIN")));
        var plain = Convert.ToBase64String("\0alice\0wrong"u8.ToArray());
        await client.SendAsync($"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>{plain}</auth>");
        await client.SendAsync($"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>{plain}</auth>");
        await client.ExpectStreamErrorAsync("policy-violation");
    }

    [Fact]
    public async Task Stanza_before_authentication_gets_not_authorized()
    {
        await using var client = await fixture.ConnectSecureAsync();
        await client.SendAsync("<iq type='get' id='early'><query xmlns='jabber:iq:roster'/></iq>");
        await client.ExpectStreamErrorAsync("not-authorized");
    }

    [Fact]
    public async Task Without_required_tls_scram_logs_in_over_plaintext_and_plain_is_not_offered()
    {
        await using var server = await TestServers.StartAsync(c => c.Tls.Required = false);
        await using var client = await server.ConnectAsync();
        var features = await client.OpenStreamAsync();
        var mechanisms = features.Element(XmppTestClient.Sasl + "mechanisms")!.Elements().Select(e => e.Value).ToList();
        Assert.Equal(["SCRAM-SHA-256", "SCRAM-SHA-1"], mechanisms);
        Assert.NotNull(features.Element(XmppTestClient.Tls + "starttls"));
        Assert.Null(features.Element(XmppTestClient.Tls + "starttls")!.Element(XmppTestClient.Tls + "required"));

        Assert.Equal("invalid-mechanism", Wire.SaslFailure(await client.AuthenticateAsync("alice", "secret", "PLAIN")));
        Assert.Equal(XmppTestClient.Sasl + "success", (await client.AuthenticateAsync("alice", "secret")).Name);
        await client.OpenStreamAsync();
        Assert.Equal("alice@localhost/plain", await client.BindAsync("plain"));
        Assert.False(client.IsSecure);
    }

    [Fact]
    public async Task Plain_over_plaintext_is_offered_and_works_only_when_allowed()
    {
        await using var server = await TestServers.StartAsync(c =>
        {
            c.Tls.Required = false;
            c.Auth.AllowPlainWithoutTls = true;
        });
        await using var client = await server.ConnectAsync();
        var features = await client.OpenStreamAsync();
        Assert.Contains("PLAIN", features.Element(XmppTestClient.Sasl + "mechanisms")!.Elements().Select(e => e.Value));
        Assert.Equal(XmppTestClient.Sasl + "success", (await client.AuthenticateAsync("bob", "secret", "PLAIN")).Name);
    }
}
