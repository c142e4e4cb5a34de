using System.Security.Authentication;
using System.Text;
using HighPerf.Xmpp.Transport.Tls;
using HighPerf.Xmpp.Transport.Tls.OpenSsl;

namespace HighPerf.Xmpp.Transport.Tests.Tls;

/// <summary>The OpenSSL handler in an EmbeddedChannel against .NET's SslStream as the client, no sockets.</summary>
[Collection(TlsCollection.Name)]
public sealed class OpenSslHandlerTests
{
    [Theory]
    [InlineData(SslProtocols.Tls12, "TLSv1.2")]
    [InlineData(SslProtocols.Tls13, "TLSv1.3")]
    public void Handshake_and_data_both_ways_with_the_first_records_split_at_every_byte(SslProtocols protocol, string expected)
    {
        using var context = EmbeddedTls.CreateContext();
        using (var tls = new EmbeddedTls(context))
        {
            // Covers the ClientHello and the client's second flight (each byte costs a tracked buffer at Paranoid level).
            tls.Stream.SplitBytesRemaining = 700;
            using var client = tls.Connect(EmbeddedTls.ClientOptions(protocol));

            Assert.True(tls.Handler!.IsHandshakeComplete);
            Assert.Equal(expected, tls.Handler.Protocol);
            Assert.Equal("example.com", tls.Handler.ServerName);
            Assert.True(Assert.Single(tls.Recorder.Handshakes).IsSuccessful);

            client.Write("<message>hello</message>"u8);
            Assert.Equal("<message>hello</message>", tls.ReadPlaintext());

            var big = new string('x', 100_000);
            client.Write(Encoding.UTF8.GetBytes(big));
            Assert.Equal(big, tls.ReadPlaintext());

            var reply = tls.ServerWrite("<message>back</message>" + big);
            Assert.True(reply.IsCompletedSuccessfully);
            var received = new byte[23 + big.Length];
            client.ReadExactly(received);
            Assert.Equal("<message>back</message>" + big, Encoding.UTF8.GetString(received));
            tls.Channel.CheckException();
        }

        Assert.Equal(0, OpenSslConnection.LiveCount);
    }

    [Fact]
    public async Task Writes_before_the_handshake_completes_are_encrypted_after_it()
    {
        using var context = EmbeddedTls.CreateContext();
        using var tls = new EmbeddedTls(context);
        var early = tls.ServerWrite("<early/>");
        Assert.False(early.IsCompleted);

        using var client = tls.Connect(EmbeddedTls.ClientOptions(SslProtocols.Tls13));
        var received = new byte[8];
        client.ReadExactly(received);
        Assert.Equal("<early/>", Encoding.UTF8.GetString(received));
        await early.WaitAsync(TimeSpan.FromSeconds(5));
        tls.Allocator.AssertAllReleased();
    }

    [Fact]
    public void Composite_plaintext_buffers_are_encrypted_piecewise()
    {
        using var context = EmbeddedTls.CreateContext();
        using var tls = new EmbeddedTls(context);
        using var client = tls.Connect(EmbeddedTls.ClientOptions(SslProtocols.Tls13));
        var composite = tls.Allocator.CompositeBuffer();
        composite.AddComponents(
            true,
            tls.Allocator.Buffer().WriteBytes("<message>"u8.ToArray()),
            tls.Allocator.Buffer(),
            tls.Allocator.Buffer().WriteBytes("</message>"u8.ToArray()));

        Assert.True(tls.Channel.WriteAndFlushAsync(composite).IsCompletedSuccessfully);

        var received = new byte[19];
        client.ReadExactly(received);
        Assert.Equal("<message></message>", Encoding.UTF8.GetString(received));
        tls.Allocator.AssertAllReleased();
    }

    [Theory]
    [InlineData(0x0301)]
    [InlineData(0x0302)]
    public void Tls10_and_Tls11_are_refused_with_an_alert_and_a_logged_reason(int version)
    {
        var logger = new TestLogger();
        using var context = EmbeddedTls.CreateContext(logger);
        using var tls = new EmbeddedTls(context);
        var hello = tls.Allocator.Buffer().WriteBytes(RawClientHello.Create(version));

        tls.Channel.WriteInbound(hello);

        var alert = tls.Channel.ReadOutbound<DotNetty.Buffers.IByteBuffer>();
        Assert.NotNull(alert);
        Assert.Equal(21, alert.GetByte(0)); // content type alert
        Assert.Equal(70, alert.GetByte(6)); // protocol_version
        alert.Release();
        Assert.False(tls.Channel.Active);
        Assert.False(Assert.Single(tls.Recorder.Handshakes).IsSuccessful);
        Assert.Contains(logger.Lines, l => l.Contains("TlsHandshakeFailed", StringComparison.Ordinal) && l.Contains("protocol", StringComparison.OrdinalIgnoreCase));
        tls.Channel.CheckException();
        tls.Allocator.AssertAllReleased();
    }

    [Fact]
    public void Garbage_instead_of_a_ClientHello_closes_the_channel_without_an_exception()
    {
        var logger = new TestLogger();
        using var context = EmbeddedTls.CreateContext(logger);
        using var tls = new EmbeddedTls(context);

        tls.Channel.WriteInbound(tls.Allocator.Buffer().WriteBytes("<?xml version='1.0'?><stream:stream to='example.com'>"u8.ToArray()));

        Assert.False(tls.Channel.Active);
        tls.Channel.CheckException();
        Assert.Contains(logger.Lines, l => l.Contains("TlsHandshakeFailed", StringComparison.Ordinal));
        Assert.Empty(tls.Recorder.Exceptions);
        while (tls.Channel.ReadOutbound<DotNetty.Buffers.IByteBuffer>() is { } alert)
        {
            alert.Release();
        }

        tls.Allocator.AssertAllReleased();
    }

    [Fact]
    public async Task Close_notify_from_the_client_closes_the_channel()
    {
        var logger = new TestLogger();
        using var context = EmbeddedTls.CreateContext(logger);
        using var tls = new EmbeddedTls(context);
        using var client = tls.Connect(EmbeddedTls.ClientOptions(SslProtocols.Tls13));

        await client.ShutdownAsync();

        Assert.False(tls.Channel.Active);
        Assert.Contains(logger.Lines, l => l.Contains("TlsCloseNotify", StringComparison.Ordinal));
        tls.Channel.CheckException();
    }

    [Fact]
    public void Closing_the_channel_frees_the_ssl_and_every_buffer()
    {
        using var context = EmbeddedTls.CreateContext();
        var tls = new EmbeddedTls(context);
        var client = tls.Connect(EmbeddedTls.ClientOptions(SslProtocols.Tls13));
        client.Write("<presence/>"u8);
        Assert.Equal(1, OpenSslConnection.LiveCount);

        tls.Dispose();
        client.Dispose();

        Assert.Equal(0, OpenSslConnection.LiveCount);
        tls.Allocator.AssertAllReleased();
    }

    [Fact]
    public void Removing_the_handler_frees_the_ssl()
    {
        using var context = EmbeddedTls.CreateContext();
        using var tls = new EmbeddedTls(context);
        Assert.Equal(1, OpenSslConnection.LiveCount);
        tls.Channel.Pipeline.Remove("tls");
        Assert.Equal(0, OpenSslConnection.LiveCount);
    }
}
