using HighPerf.Xmpp.Core.Sasl;

namespace HighPerf.Xmpp.Core.Tests.Sasl;

/// <summary>PLAIN (RFC 4616): <c>[authzid] NUL authcid NUL passwd</c>.</summary>
public class PlainServerTests
{
    private static readonly InMemoryCredentials Credentials = new InMemoryCredentials()
        .Add("tim@example.com", "tanstaaftanstaaf")
        .Add("dmitrij@example.com", "pässwörd");

    [Theory]
    [InlineData("\0tim\0tanstaaftanstaaf")]                  // RFC 4616 §4's example, without authzid
    [InlineData("tim@example.com\0tim\0tanstaaftanstaaf")]   // authzid = own bare JID
    [InlineData("TIM@Example.com\0Tim\0tanstaaftanstaaf")]   // both normalized before comparing
    [InlineData("\0ｔｉｍ\0tanstaaftanstaaf")]                 // width-mapped user name
    public void Valid_credentials_succeed(string message)
    {
        var exchange = new SaslExchange(new SaslServer(Credentials));
        Assert.Equal(SaslStepResult.Success, exchange.Start(SaslMechanism.Plain, message));
        Assert.Equal("", exchange.Output);
        Assert.Equal("tim"u8.ToArray(), exchange.Server.AuthenticatedLocalpart.ToArray());
    }

    [Fact]
    public void Password_is_prepared_with_opaque_string()
    {
        var exchange = new SaslExchange(new SaslServer(Credentials));
        Assert.Equal(SaslStepResult.Success, exchange.Start(SaslMechanism.Plain, "\0dmitrij\0pa\u0308sswo\u0308rd"));
    }

    [Fact]
    public void Without_initial_response_an_empty_challenge_comes_first()
    {
        var exchange = new SaslExchange(new SaslServer(Credentials));
        Assert.Equal(SaslStepResult.Challenge, exchange.Start(SaslMechanism.Plain, (string?)null));
        Assert.Equal("", exchange.Output);
        Assert.Equal(SaslStepResult.Success, exchange.Step("\0tim\0tanstaaftanstaaf"));
    }

    [Theory]
    [InlineData("\0tim\0Tanstaaftanstaaf", SaslFailure.NotAuthorized)]     // wrong password (case matters)
    [InlineData("\0nobody\0tanstaaftanstaaf", SaslFailure.NotAuthorized)]  // unknown user, same answer
    [InlineData("\0ti m\0tanstaaftanstaaf", SaslFailure.NotAuthorized)]    // not a valid localpart
    [InlineData("\0tim@example.com\0tanstaaftanstaaf", SaslFailure.NotAuthorized)] // authcid is a simple user name
    [InlineData("\0tim\0tan\u0007staaf", SaslFailure.NotAuthorized)]      // OpaqueString forbids controls
    [InlineData("other@example.com\0tim\0tanstaaftanstaaf", SaslFailure.InvalidAuthzid)]
    [InlineData("tim@example.com/res\0tim\0tanstaaftanstaaf", SaslFailure.InvalidAuthzid)]
    [InlineData("@@@\0tim\0tanstaaftanstaaf", SaslFailure.InvalidAuthzid)]
    [InlineData("other@example.com\0tim\0wrong", SaslFailure.NotAuthorized)] // authzid judged only after the password
    [InlineData("", SaslFailure.MalformedRequest)]                           // "="
    [InlineData("tim\0tanstaaftanstaaf", SaslFailure.MalformedRequest)]     // one NUL
    [InlineData("\0tim\0", SaslFailure.MalformedRequest)]                   // empty password
    [InlineData("\0\0secret", SaslFailure.MalformedRequest)]                // empty authcid
    [InlineData("\0tim\0tans\0taaf", SaslFailure.MalformedRequest)]         // three NULs
    public void Failures(string message, SaslFailure expected)
    {
        var exchange = new SaslExchange(new SaslServer(Credentials));
        Assert.Equal(SaslStepResult.Failure, exchange.Start(SaslMechanism.Plain, message));
        Assert.Equal(expected, exchange.Failure);
        Assert.True(exchange.Server.AuthenticatedLocalpart.IsEmpty);
    }

    [Fact]
    public void Invalid_utf8_password_is_not_authorized()
    {
        var exchange = new SaslExchange(new SaslServer(Credentials));
        exchange.Start(SaslMechanism.Plain, [0, (byte)'t', (byte)'i', (byte)'m', 0, 0xC3, 0x28]);
        Assert.Equal(SaslFailure.NotAuthorized, exchange.Failure);
    }

    [Fact]
    public void Oversized_message_is_malformed()
    {
        var exchange = new SaslExchange(new SaslServer(Credentials));
        exchange.Start(SaslMechanism.Plain, "\0tim\0" + new string('x', SaslServer.MaxMessageBytes));
        Assert.Equal(SaslFailure.MalformedRequest, exchange.Failure);
    }

    [Fact]
    public void Unknown_user_costs_the_same_lookup_and_derivation()
    {
        var credentials = new InMemoryCredentials().Add("tim@example.com", "tanstaaftanstaaf");
        var exchange = new SaslExchange(new SaslServer(credentials));
        exchange.Start(SaslMechanism.Plain, "\0nobody\0tanstaaftanstaaf");
        Assert.Equal(1, credentials.Lookups);
        Assert.Equal(SaslFailure.NotAuthorized, exchange.Failure);
    }
}
