using HighPerf.Xmpp.Core.Sasl;

namespace HighPerf.Xmpp.Core.Tests.Sasl;

public class ScramServerTests
{
    private static readonly InMemoryCredentials Credentials = new InMemoryCredentials()
        .Add("juliet@example.com", "r0m3o!")
        .Add("a,b=c@example.com", "comma")
        .Add("dmitrij@example.com", "pässwörd");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Interoperates_with_an_independent_client(bool sha256)
    {
        var client = new ScramTestClient(sha256, "juliet", "r0m3o!", "clientNonce123");
        var exchange = new SaslExchange(new SaslServer(Credentials));
        var mechanism = sha256 ? SaslMechanism.ScramSha256 : SaslMechanism.ScramSha1;
        Assert.Equal(SaslStepResult.Challenge, exchange.Start(mechanism, client.ClientFirst()));
        Assert.StartsWith("r=clientNonce123", exchange.Output, StringComparison.Ordinal);
        Assert.Equal(SaslStepResult.Success, exchange.Step(client.ClientFinal(exchange.Output)));
        Assert.Equal(client.ExpectedServerFinal(), exchange.Output);
    }

    [Fact]
    public void Server_nonce_is_random_printable_and_long_enough()
    {
        var first = ServerFirst(new ScramTestClient(true, "juliet", "x", "abc"));
        var second = ServerFirst(new ScramTestClient(true, "juliet", "x", "abc"));
        var nonce = first.Split(',')[0][2..];
        Assert.StartsWith("abc", nonce, StringComparison.Ordinal);
        Assert.True(nonce.Length - 3 >= 24);
        Assert.DoesNotContain(',', nonce);
        Assert.All(nonce, c => Assert.InRange(c, '!', '~'));
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Username_escapes_are_decoded_and_normalized()
    {
        var client = new ScramTestClient(true, "A,B=C", "comma", "n1");
        var exchange = new SaslExchange(new SaslServer(Credentials));
        Assert.Contains("n=A=2CB=3DC", client.ClientFirst(), StringComparison.Ordinal);
        exchange.Start(SaslMechanism.ScramSha256, client.ClientFirst());
        Assert.Equal(SaslStepResult.Success, exchange.Step(client.ClientFinal(exchange.Output)));
        Assert.Equal("a,b=c"u8.ToArray(), exchange.Server.AuthenticatedLocalpart.ToArray());
    }

    [Fact]
    public void Lowercase_escape_digits_are_accepted()
    {
        var exchange = new SaslExchange(new SaslServer(Credentials));
        Assert.Equal(SaslStepResult.Challenge, exchange.Start(SaslMechanism.ScramSha256, "n,,n=a=2cb=3dc,r=n1"));
    }

    [Fact]
    public void Non_ascii_password_is_prepared_like_the_client_does()
    {
        // The decomposed (NFD) spelling of "pässwörd", written out: string.Normalize is a no-op under InvariantGlobalization.
        var client = new ScramTestClient(true, "Dmitrij", "pa\u0308sswo\u0308rd", "n1");
        var exchange = new SaslExchange(new SaslServer(Credentials));
        exchange.Start(SaslMechanism.ScramSha256, client.ClientFirst());

        // SCRAM clients prepare the password themselves; this one did not, so the proof must not match...
        Assert.Equal(SaslStepResult.Failure, exchange.Step(client.ClientFinal(exchange.Output)));

        // ...while a client that sends the prepared (NFC) form succeeds.
        var prepared = new ScramTestClient(true, "Dmitrij", "pässwörd", "n1");
        exchange = new SaslExchange(new SaslServer(Credentials));
        exchange.Start(SaslMechanism.ScramSha256, prepared.ClientFirst());
        Assert.Equal(SaslStepResult.Success, exchange.Step(prepared.ClientFinal(exchange.Output)));
    }

    [Theory]
    [InlineData("y,,")]
    [InlineData("n,a=juliet@example.com,")]
    [InlineData("n,a=JULIET@Example.com,")]
    public void Accepted_gs2_headers(string gs2)
    {
        var client = new ScramTestClient(true, "juliet", "r0m3o!", "n1", gs2);
        var exchange = new SaslExchange(new SaslServer(Credentials));
        Assert.Equal(SaslStepResult.Challenge, exchange.Start(SaslMechanism.ScramSha256, client.ClientFirst()));
        Assert.Equal(SaslStepResult.Success, exchange.Step(client.ClientFinal(exchange.Output)));
    }

    [Theory]
    [InlineData("n,a=romeo@example.com,")]
    [InlineData("n,a=juliet@example.com/balcony,")]
    [InlineData("n,a=juliet@example.net,")]
    [InlineData("n,a=not a jid,")]
    public void Other_authzids_fail_after_the_proof(string gs2)
    {
        var client = new ScramTestClient(true, "juliet", "r0m3o!", "n1", gs2);
        var exchange = new SaslExchange(new SaslServer(Credentials));
        Assert.Equal(SaslStepResult.Challenge, exchange.Start(SaslMechanism.ScramSha256, client.ClientFirst()));
        Assert.Equal(SaslStepResult.Failure, exchange.Step(client.ClientFinal(exchange.Output)));
        Assert.Equal(SaslFailure.InvalidAuthzid, exchange.Failure);
    }

    [Fact]
    public void Authzid_of_another_user_with_a_wrong_password_is_just_not_authorized()
    {
        var client = new ScramTestClient(true, "juliet", "wrong", "n1", "n,a=romeo@example.com,");
        var exchange = new SaslExchange(new SaslServer(Credentials));
        exchange.Start(SaslMechanism.ScramSha256, client.ClientFirst());
        exchange.Step(client.ClientFinal(exchange.Output));
        Assert.Equal(SaslFailure.NotAuthorized, exchange.Failure);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Wrong_password_is_not_authorized(bool sha256)
    {
        var client = new ScramTestClient(sha256, "juliet", "juliet", "n1");
        var exchange = new SaslExchange(new SaslServer(Credentials));
        exchange.Start(sha256 ? SaslMechanism.ScramSha256 : SaslMechanism.ScramSha1, client.ClientFirst());
        Assert.Equal(SaslStepResult.Failure, exchange.Step(client.ClientFinal(exchange.Output)));
        Assert.Equal(SaslFailure.NotAuthorized, exchange.Failure);
    }

    [Fact]
    public void Unknown_user_looks_like_a_known_one_until_the_proof()
    {
        var known = ServerFirst(new ScramTestClient(true, "juliet", "x", "n1"));
        var unknown = ServerFirst(new ScramTestClient(true, "nobody", "x", "n1"));
        var again = ServerFirst(new ScramTestClient(true, "nobody", "x", "n1"));
        var other = ServerFirst(new ScramTestClient(true, "somebody", "x", "n1"));

        static string[] Shape(string serverFirst) => serverFirst.Split(',');
        Assert.Equal(Shape(known)[0].Length, Shape(unknown)[0].Length);           // same nonce length
        Assert.Equal(Shape(known)[1].Length, Shape(unknown)[1].Length);           // 16-byte salt, like a real one
        Assert.Equal(Shape(known)[2], Shape(unknown)[2]);                         // same iteration count
        Assert.Equal(Shape(unknown)[1], Shape(again)[1]);                         // the fake salt is stable
        Assert.NotEqual(Shape(unknown)[1], Shape(other)[1]);                      // and per user

        var client = new ScramTestClient(true, "nobody", "x", "n1");
        var exchange = new SaslExchange(new SaslServer(Credentials));
        exchange.Start(SaslMechanism.ScramSha256, client.ClientFirst());
        Assert.Equal(SaslStepResult.Failure, exchange.Step(client.ClientFinal(exchange.Output)));
        Assert.Equal(SaslFailure.NotAuthorized, exchange.Failure);
    }

    [Fact]
    public void Unknown_user_fake_salt_follows_the_configured_secret_and_iterations()
    {
        var options = new SaslServerOptions { UnknownUserIterations = 10_000, UnknownUserSecret = new byte[] { 1, 2, 3 } };
        var first = new SaslExchange(new SaslServer(Credentials, options));
        var second = new SaslExchange(new SaslServer(Credentials, options));
        first.Start(SaslMechanism.ScramSha256, "n,,n=nobody,r=n1");
        second.Start(SaslMechanism.ScramSha256, "n,,n=nobody,r=n1");
        Assert.EndsWith(",i=10000", first.Output, StringComparison.Ordinal);
        Assert.Equal(first.Output.Split(',')[1], second.Output.Split(',')[1]);
    }

    [Theory]
    [InlineData("p=tls-unique,,n=juliet,r=n1")]       // channel binding requested: only -PLUS carries it
    [InlineData("x,,n=juliet,r=n1")]
    [InlineData("n,n=juliet,r=n1")]                   // gs2 header missing its second comma
    [InlineData("n,,m=ext,n=juliet,r=n1")]            // mandatory extension
    [InlineData("n,,n=jul=2Xiet,r=n1")]               // bad saslname escape
    [InlineData("n,,n=juliet=,r=n1")]
    [InlineData("n,,n=,r=n1")]                        // empty user name
    [InlineData("n,,r=n1,n=juliet")]                  // attribute order
    [InlineData("n,,n=juliet")]                       // no nonce
    [InlineData("n,,n=juliet,r=")]
    [InlineData("n,,n=juliet,r=n\u00E91")]            // nonce must be printable ASCII
    [InlineData("n,,n=juliet,r=n1,")]                 // empty extension
    [InlineData("n,,n=juliet,r=n1,1=x")]              // extension names are letters
    [InlineData("n,a=,n=juliet,r=n1")]                // empty authzid
    [InlineData("")]                                  // "=" (empty initial response)
    public void Malformed_client_first(string message)
    {
        var exchange = new SaslExchange(new SaslServer(Credentials));
        Assert.Equal(SaslStepResult.Failure, exchange.Start(SaslMechanism.ScramSha256, message));
        Assert.Equal(SaslFailure.MalformedRequest, exchange.Failure);
    }

    [Fact]
    public void Extensions_after_the_nonce_are_ignored()
    {
        var exchange = new SaslExchange(new SaslServer(Credentials));
        Assert.Equal(SaslStepResult.Challenge, exchange.Start(SaslMechanism.ScramSha256, "n,,n=juliet,r=n1,x=future"));
    }

    [Fact]
    public void Too_long_messages_and_nonces_are_malformed()
    {
        var exchange = new SaslExchange(new SaslServer(Credentials));
        exchange.Start(SaslMechanism.ScramSha256, "n,,n=juliet,r=" + new string('x', SaslServer.MaxClientNonceBytes + 1));
        Assert.Equal(SaslFailure.MalformedRequest, exchange.Failure);
        exchange.Start(SaslMechanism.ScramSha256, "n,,n=juliet,r=n1,x=" + new string('x', SaslServer.MaxMessageBytes));
        Assert.Equal(SaslFailure.MalformedRequest, exchange.Failure);

        // The longest accepted nonce still fits the output the caller provides.
        Assert.Equal(SaslStepResult.Challenge, exchange.Start(SaslMechanism.ScramSha256, "n,,n=juliet,r=" + new string('x', SaslServer.MaxClientNonceBytes)));
    }

    [Fact]
    public void Invalid_user_names_are_not_authorized()
    {
        var exchange = new SaslExchange(new SaslServer(Credentials));
        exchange.Start(SaslMechanism.ScramSha256, "n,,n=jul iet,r=n1");
        Assert.Equal(SaslFailure.NotAuthorized, exchange.Failure);
        exchange.Start(SaslMechanism.ScramSha256, "n,,n=juliet@example.com,r=n1");
        Assert.Equal(SaslFailure.NotAuthorized, exchange.Failure);
    }

    [Theory]
    [InlineData("channel")]   // c= of another gs2 header
    [InlineData("nonce")]     // r= not the combined nonce
    public void Binding_or_nonce_mismatch_is_not_authorized(string what)
    {
        var client = new ScramTestClient(true, "juliet", "r0m3o!", "n1");
        var exchange = new SaslExchange(new SaslServer(Credentials));
        exchange.Start(SaslMechanism.ScramSha256, client.ClientFirst());
        var final = what == "channel"
            ? client.ClientFinal(exchange.Output, bindingOverride: "eSws")
            : client.ClientFinal(exchange.Output, nonceOverride: "n1forged");
        Assert.Equal(SaslStepResult.Failure, exchange.Step(final));
        Assert.Equal(SaslFailure.NotAuthorized, exchange.Failure);
    }

    [Theory]
    [InlineData("c=biws,r={0},p=AAAA")]                 // proof of the wrong length
    [InlineData("c=biws,r={0},p=!!!")]                  // not base64
    [InlineData("c=biws,r={0}")]                        // no proof
    [InlineData("c=***,r={0},p={1}")]                   // binding not base64
    [InlineData("r={0},c=biws,p={1}")]                  // order
    [InlineData("c=biws,r={0},1=x,p={1}")]              // bad extension
    public void Malformed_client_final(string template)
    {
        var client = new ScramTestClient(true, "juliet", "r0m3o!", "n1");
        var exchange = new SaslExchange(new SaslServer(Credentials));
        exchange.Start(SaslMechanism.ScramSha256, client.ClientFirst());
        var nonce = exchange.Output.Split(',')[0][2..];
        var proof = client.ClientFinal(exchange.Output).Split(",p=")[1];
        Assert.Equal(SaslStepResult.Failure, exchange.Step(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, nonce, proof)));
        Assert.Equal(SaslFailure.MalformedRequest, exchange.Failure);
    }

    [Fact]
    public void Client_final_extensions_are_ignored_but_signed()
    {
        var client = new ScramTestClient(true, "juliet", "r0m3o!", "n1");
        var exchange = new SaslExchange(new SaslServer(Credentials));
        exchange.Start(SaslMechanism.ScramSha256, client.ClientFirst());
        Assert.Equal(SaslStepResult.Success, exchange.Step(client.ClientFinal(exchange.Output, extension: ",x=future")));
        Assert.Equal(client.ExpectedServerFinal(), exchange.Output);

        // An extension slipped in after signing changes AuthMessage, so the proof no longer holds.
        exchange = new SaslExchange(new SaslServer(Credentials));
        exchange.Start(SaslMechanism.ScramSha256, client.ClientFirst());
        var final = client.ClientFinal(exchange.Output);
        Assert.Equal(SaslStepResult.Failure, exchange.Step(final.Replace(",p=", ",x=y,p=", StringComparison.Ordinal)));
        Assert.Equal(SaslFailure.NotAuthorized, exchange.Failure);
    }

    private static string ServerFirst(ScramTestClient client)
    {
        var exchange = new SaslExchange(new SaslServer(Credentials));
        Assert.Equal(SaslStepResult.Challenge, exchange.Start(SaslMechanism.ScramSha256, client.ClientFirst()));
        return exchange.Output;
    }
}
