using System.Security.Authentication;
using System.Text;
using HighPerf.Xmpp.Transport.Tls;
using HighPerf.Xmpp.Transport.Tls.OpenSsl;

namespace HighPerf.Xmpp.Transport.Tests.Tls;

[Collection(TlsCollection.Name)]
public sealed class StartTlsAndReloadTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Starttls_handler_inserted_mid_stream_takes_over_including_a_pipelined_ClientHello(bool pipelined)
    {
        using var context = EmbeddedTls.CreateContext();
        using var tls = new EmbeddedTls(context, addTls: false);
        tls.Channel.Pipeline.AddFirst("starttls", new StartTlsProbe(() => context.CreateHandler(directTls: false)));
        tls.Stream.ExpectedPlaintextPrefix = StartTlsProbe.Proceed;
        if (pipelined)
        {
            // <starttls/> and the ClientHello arrive in one read.
            tls.Stream.FirstWritePrefix = StartTlsProbe.StartTls;
        }
        else
        {
            tls.Channel.WriteInbound(tls.Allocator.Buffer().WriteBytes(StartTlsProbe.StartTls));
        }

        using var client = tls.Connect(EmbeddedTls.ClientOptions(SslProtocols.Tls13));
        client.Write("<stream:stream to='example.com'>"u8);
        Assert.Equal("<stream:stream to='example.com'>", tls.ReadPlaintext());
        tls.ServerWrite("<stream:features/>");
        var reply = new byte[18];
        client.ReadExactly(reply);
        Assert.Equal("<stream:features/>", Encoding.UTF8.GetString(reply));
        Assert.True(Assert.Single(tls.Recorder.Handshakes).IsSuccessful);
        tls.Channel.CheckException();
    }

    [Fact]
    public void Reload_serves_new_certificates_to_new_connections_while_old_ones_keep_theirs()
    {
        using var context = EmbeddedTls.CreateContext(null, TestCertificates.ExampleCom);
        using var before = new EmbeddedTls(context);
        using var oldClient = before.Connect(EmbeddedTls.ClientOptions(SslProtocols.Tls13));
        Assert.Equal("CN=example.com", oldClient.RemoteCertificate!.Subject);

        context.Reload([TestCertificates.ExampleNet]);

        using (var after = new EmbeddedTls(context))
        {
            using var newClient = after.Connect(EmbeddedTls.ClientOptions(SslProtocols.Tls13));
            Assert.Equal("CN=example.net", newClient.RemoteCertificate!.Subject);
        }

        oldClient.Write("<still-here/>"u8);
        Assert.Equal("<still-here/>", before.ReadPlaintext());
        Assert.Equal(1, OpenSslConnection.LiveCount);
    }

    [Fact]
    public void Reload_with_a_broken_file_keeps_the_old_certificates()
    {
        using var context = EmbeddedTls.CreateContext(null, TestCertificates.ExampleCom);
        var missing = TestCertificates.ExampleNet with { CertificatePath = "/nonexistent/example.net.crt" };

        var error = Assert.Throws<OpenSslException>(() => context.Reload([missing]));
        Assert.Contains("/nonexistent/example.net.crt", error.Message, StringComparison.Ordinal);

        using var tls = new EmbeddedTls(context);
        using var client = tls.Connect(EmbeddedTls.ClientOptions(SslProtocols.Tls13));
        Assert.Equal("CN=example.com", client.RemoteCertificate!.Subject);
    }

    [Fact]
    public void Mismatched_key_is_refused_at_load()
    {
        var mismatched = TestCertificates.ExampleCom with { PrivateKeyPath = TestCertificates.ExampleNet.PrivateKeyPath };
        Assert.Throws<OpenSslException>(() => EmbeddedTls.CreateContext(null, mismatched));
    }

    [Fact]
    public void Managed_engine_is_chosen_when_configured_and_serves_pem_certificates()
    {
        using var context = TlsServerContext.Create([TestCertificates.ExampleCom], new TlsServerOptions { Engine = TlsEngine.Managed });
        Assert.Equal(TlsEngine.Managed, context.Engine);
        Assert.IsType<DotNetty.Handlers.Tls.TlsHandler>(context.CreateHandler(directTls: false));
    }

    [Fact]
    public void Auto_engine_picks_openssl_here_and_says_so()
    {
        var logger = new TestLogger();
        using var context = TlsServerContext.Create([TestCertificates.ExampleCom], logger: logger);
        Assert.Equal(TlsEngine.OpenSsl, context.Engine);
        Assert.Contains(logger.Lines, l => l.Contains("TLS engine: OpenSsl (OpenSSL 3.", StringComparison.Ordinal));
    }
}
