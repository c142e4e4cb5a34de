using HighPerf.Xmpp.Core.Sasl;

namespace HighPerf.Xmpp.Core.Tests.Sasl;

/// <summary>The exchanges of RFC 5802 §5 (SCRAM-SHA-1) and RFC 7677 §3 (SCRAM-SHA-256): user "user", password "pencil".</summary>
public class ScramRfcVectorTests
{
    [Fact]
    public void Rfc5802_scram_sha1_example()
    {
        var exchange = Exchange("QSXCR+Q6sek8bf92", "3rfcNHYJY1ZVvWVs7j");
        Assert.Equal(SaslStepResult.Challenge, exchange.Start(SaslMechanism.ScramSha1, "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL"));
        Assert.Equal("r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096", exchange.Output);

        Assert.Equal(SaslStepResult.Success, exchange.Step("c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="));
        Assert.Equal("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=", exchange.Output);
        Assert.Equal("user"u8.ToArray(), exchange.Server.AuthenticatedLocalpart.ToArray());
        Assert.Equal("user@example.com"u8.ToArray(), exchange.Server.AuthenticatedBareJid.ToArray());
    }

    [Fact]
    public void Rfc7677_scram_sha256_example()
    {
        var exchange = Exchange("W22ZaJ0SNY7soEsUEjb6gQ==", "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0");
        Assert.Equal(SaslStepResult.Challenge, exchange.Start(SaslMechanism.ScramSha256, "n,,n=user,r=rOprNGfwEbeRWgbNEkqO"));
        Assert.Equal("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096", exchange.Output);

        Assert.Equal(SaslStepResult.Success, exchange.Step(
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="));
        Assert.Equal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", exchange.Output);
    }

    [Fact]
    public void Rfc7677_example_without_initial_response()
    {
        var exchange = Exchange("W22ZaJ0SNY7soEsUEjb6gQ==", "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0");
        Assert.Equal(SaslStepResult.Challenge, exchange.Start(SaslMechanism.ScramSha256, (string?)null));
        Assert.Equal("", exchange.Output);
        Assert.Equal(SaslStepResult.Challenge, exchange.Step("n,,n=user,r=rOprNGfwEbeRWgbNEkqO"));
        Assert.Equal(SaslStepResult.Success, exchange.Step(
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="));
        Assert.Equal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=", exchange.Output);
    }

    [Fact]
    public void Rfc5802_example_with_a_wrong_proof_fails()
    {
        var exchange = Exchange("QSXCR+Q6sek8bf92", "3rfcNHYJY1ZVvWVs7j");
        exchange.Start(SaslMechanism.ScramSha1, "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
        Assert.Equal(SaslStepResult.Failure, exchange.Step("c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v1X8v3Bz2T0CJGbJQyF0X+HI4Ts="));
        Assert.Equal(SaslFailure.NotAuthorized, exchange.Failure);
        Assert.True(exchange.Server.AuthenticatedLocalpart.IsEmpty);
    }

    internal static SaslExchange Exchange(string saltBase64, string serverNonce)
    {
        var record = ScramCredentials.Derive("pencil", Convert.FromBase64String(saltBase64), 4096);
        var credentials = new InMemoryCredentials().Add("user@example.com", record);
        var server = new SaslServer(credentials) { FixedServerNonce = System.Text.Encoding.ASCII.GetBytes(serverNonce) };
        return new SaslExchange(server);
    }
}
