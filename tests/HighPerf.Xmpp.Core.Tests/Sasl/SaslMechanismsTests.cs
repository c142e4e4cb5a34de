using HighPerf.Xmpp.Core.Sasl;

namespace HighPerf.Xmpp.Core.Tests.Sasl;

public class SaslMechanismsTests
{
    [Theory]
    [InlineData("PLAIN", SaslMechanism.Plain)]
    [InlineData("SCRAM-SHA-1", SaslMechanism.ScramSha1)]
    [InlineData("SCRAM-SHA-256", SaslMechanism.ScramSha256)]
    public void Names_round_trip(string name, SaslMechanism mechanism)
    {
        Assert.True(SaslMechanisms.TryParse(System.Text.Encoding.ASCII.GetBytes(name), out var parsed));
        Assert.Equal(mechanism, parsed);
        Assert.Equal(name, System.Text.Encoding.ASCII.GetString(SaslMechanisms.Name(mechanism)));
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("SCRAM-SHA-256-PLUS")]
    [InlineData("SCRAM-SHA-512")]
    [InlineData("DIGEST-MD5")]
    [InlineData("")]
    public void Other_names_are_unknown(string name)
        => Assert.False(SaslMechanisms.TryParse(System.Text.Encoding.ASCII.GetBytes(name), out _));

    [Fact]
    public void Failure_values_follow_rfc6120_order()
    {
        // Callers index pre-encoded <failure/> elements by these values.
        Assert.Equal(0, (int)SaslFailure.None);
        Assert.Equal(1, (int)SaslFailure.Aborted);
        Assert.Equal(8, (int)SaslFailure.MalformedRequest);
        Assert.Equal(10, (int)SaslFailure.NotAuthorized);
        Assert.Equal(11, (int)SaslFailure.TemporaryAuthFailure);
    }
}
