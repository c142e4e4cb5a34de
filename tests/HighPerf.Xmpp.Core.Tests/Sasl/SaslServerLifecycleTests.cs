using System.Text;
using HighPerf.Xmpp.Core.Sasl;

namespace HighPerf.Xmpp.Core.Tests.Sasl;

public class SaslServerLifecycleTests
{
    private static readonly InMemoryCredentials Credentials = new InMemoryCredentials().Add("tim@example.com", "secret-1");

    [Fact]
    public void One_instance_serves_attempt_after_attempt()
    {
        var exchange = new SaslExchange(new SaslServer(Credentials));
        Assert.Equal(SaslStepResult.Failure, exchange.Start(SaslMechanism.Plain, "\0tim\0wrong"));
        exchange.Server.Reset();
        Assert.Equal(SaslStepResult.Success, exchange.Start(SaslMechanism.Plain, "\0tim\0secret-1"));
        Assert.True(exchange.Server.IsCompleted);

        // Start resets by itself, too.
        var client = new ScramTestClient(true, "tim", "secret-1", "n1");
        Assert.Equal(SaslStepResult.Challenge, exchange.Start(SaslMechanism.ScramSha256, client.ClientFirst()));
        Assert.True(exchange.Server.AuthenticatedLocalpart.IsEmpty);
        Assert.Equal(SaslStepResult.Success, exchange.Step(client.ClientFinal(exchange.Output)));
        Assert.Equal(SaslMechanism.ScramSha256, exchange.Server.Mechanism);
        exchange.Server.Reset();
        Assert.True(exchange.Server.AuthenticatedLocalpart.IsEmpty);
        Assert.False(exchange.Server.IsCompleted);
    }

    [Fact]
    public void Steps_out_of_turn_are_malformed()
    {
        var exchange = new SaslExchange(new SaslServer(Credentials));
        Assert.Equal(SaslStepResult.Failure, exchange.Step("n,,n=tim,r=x"));
        Assert.Equal(SaslFailure.MalformedRequest, exchange.Failure);

        exchange.Start(SaslMechanism.Plain, "\0tim\0secret-1");
        Assert.Equal(SaslStepResult.Failure, exchange.Step("anything"));
        Assert.Equal(SaslFailure.MalformedRequest, exchange.Failure);
    }

    [Fact]
    public void Abort_ends_the_attempt()
    {
        var exchange = new SaslExchange(new SaslServer(Credentials));
        exchange.Start(SaslMechanism.ScramSha1, "n,,n=tim,r=x");
        Assert.Equal(SaslFailure.Aborted, exchange.Server.Abort());
        Assert.True(exchange.Server.IsCompleted);
        Assert.Equal(SaslStepResult.Failure, exchange.Step("c=biws,r=x,p=AAAA"));
    }

    [Fact]
    public void Unknown_mechanism_value_is_invalid_mechanism()
    {
        var exchange = new SaslExchange(new SaslServer(Credentials));
        Assert.Equal(SaslStepResult.Failure, exchange.Start((SaslMechanism)42, "x"));
        Assert.Equal(SaslFailure.InvalidMechanism, exchange.Failure);
    }

    [Fact]
    public void Caller_errors_throw()
    {
        var server = new SaslServer(Credentials);
        Assert.Throws<ArgumentException>(() => server.Start(SaslMechanism.Plain, "example.com"u8, default, false, new byte[10], out _, out _));
        Assert.Throws<ArgumentException>(() => server.Start(SaslMechanism.Plain, default, default, false, new byte[SaslServer.MaxOutputBytes], out _, out _));
        Assert.Throws<InvalidOperationException>(() => server.Start(SaslMechanism.Plain, default, false, new byte[SaslServer.MaxOutputBytes], out _, out _));
        Assert.Throws<ArgumentException>(() => new SaslServer(Credentials, "not a domain"));
    }

    [Fact]
    public void Domain_given_at_construction_is_normalized_and_used()
    {
        var server = new SaslServer(Credentials, "EXAMPLE.com.");
        var result = server.Start(SaslMechanism.Plain, "\0tim\0secret-1"u8, true, new byte[SaslServer.MaxOutputBytes], out _, out var failure);
        Assert.Equal(SaslStepResult.Success, result);
        Assert.Equal(SaslFailure.None, failure);
        Assert.Equal("tim@example.com", Encoding.UTF8.GetString(server.AuthenticatedBareJid));
    }

    [Fact]
    public void Domain_is_per_attempt()
    {
        var credentials = new InMemoryCredentials().Add("tim@example.com", "secret-1").Add("tim@example.net", "secret-2");
        var exchangeCom = new SaslExchange(new SaslServer(credentials), "example.com");
        var exchangeNet = new SaslExchange(exchangeCom.Server, "example.net");
        Assert.Equal(SaslStepResult.Failure, exchangeNet.Start(SaslMechanism.Plain, "\0tim\0secret-1"));
        Assert.Equal(SaslStepResult.Success, exchangeNet.Start(SaslMechanism.Plain, "\0tim\0secret-2"));
        Assert.Equal(SaslStepResult.Success, exchangeCom.Start(SaslMechanism.Plain, "\0tim\0secret-1"));
    }

    [Fact]
    public void Random_client_data_never_throws()
    {
        string[] pieces = ["n", "y", "p", ",", "=", "a=", "n=", "r=", "c=", "p=", "m=", "tim", "=2C", "=3D", "=2", "\0", "biws", "AAAA", "é", "@"];
        var random = new Random(5802);
        var server = new SaslServer(Credentials);
        var output = new byte[SaslServer.MaxOutputBytes];
        for (var i = 0; i < 5_000; i++)
        {
            var mechanism = (SaslMechanism)random.Next(3);
            var first = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, random.Next(8)).Select(_ => pieces[random.Next(pieces.Length)])));
            var result = server.Start(mechanism, "example.com"u8, first, random.Next(4) != 0, output, out var written, out var failure);
            Assert.Equal(result == SaslStepResult.Failure, failure != SaslFailure.None);
            Assert.InRange(written, 0, output.Length);
            var next = new byte[random.Next(64)];
            random.NextBytes(next);
            result = server.Step(next, output, out _, out failure);
            Assert.NotEqual(SaslStepResult.Success, result);
        }
    }

    [Fact]
    public void A_scram_login_allocates_little()
    {
        var credentials = new InMemoryCredentials().Add("tim@example.com", "secret-1");
        var server = new SaslServer(credentials);
        var client = new ScramTestClient(true, "tim", "secret-1", "fyko+d2lbbFgONRv9qkxdawL");
        var output = new byte[SaslServer.MaxOutputBytes];
        var first = Encoding.UTF8.GetBytes(client.ClientFirst());
        server.Start(SaslMechanism.ScramSha256, "example.com"u8, first, true, output, out var written, out _);
        var final = Encoding.UTF8.GetBytes(client.ClientFinal(Encoding.UTF8.GetString(output, 0, written)));
        server.FixedServerNonce = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(output, 0, written).Split(',')[0][(2 + 24)..]);

        long Login()
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            server.Start(SaslMechanism.ScramSha256, "example.com"u8, first, true, output, out _, out _);
            var result = server.Step(final, output, out _, out _);
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(SaslStepResult.Success, result);
            server.Reset();
            return allocated;
        }

        for (var i = 0; i < 20; i++)
        {
            Login();
        }

        var perLogin = Enumerable.Range(0, 20).Select(_ => Login()).Min();
        Assert.True(perLogin == 0, $"a SCRAM-SHA-256 login allocated {perLogin} bytes");
    }
}
