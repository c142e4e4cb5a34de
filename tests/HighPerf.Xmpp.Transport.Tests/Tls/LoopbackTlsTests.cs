using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using HighPerf.Xmpp.Transport.Tls;
using HighPerf.Xmpp.Transport.Tls.OpenSsl;

namespace HighPerf.Xmpp.Transport.Tests.Tls;

/// <summary>Both engines behind a real DotNetty listener on 127.0.0.1, against independent clients.</summary>
[Collection(TlsCollection.Name)]
public sealed class LoopbackTlsTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData(TlsEngine.OpenSsl, SslProtocols.Tls12)]
    [InlineData(TlsEngine.OpenSsl, SslProtocols.Tls13)]
    [InlineData(TlsEngine.Managed, SslProtocols.Tls12)]
    [InlineData(TlsEngine.Managed, SslProtocols.Tls13)]
    public async Task SslStream_client_echo(TlsEngine engine, SslProtocols protocol)
    {
        using var context = Create(engine);
        await using var server = await LoopbackTlsServer.StartAsync(context, directTls: false);
        await using (var client = await ConnectAsync(server.Port, EmbeddedTls.ClientOptions(protocol)))
        {
            Assert.Equal(protocol, client.SslProtocol);
            var payload = Encoding.UTF8.GetBytes("<message to='juliet@example.com'><body>" + new string('r', 40_000) + "</body></message>");
            await client.WriteAsync(payload).AsTask().WaitAsync(Limit);
            var echoed = new byte[payload.Length];
            await client.ReadExactlyAsync(echoed).AsTask().WaitAsync(Limit);
            Assert.Equal(payload, echoed);
        }

        await WaitUntil(() => server.Recorder.Handshakes.Count == 1);
        Assert.True(server.Recorder.Handshakes.Single().IsSuccessful);
        await AssertServerReleasedEverything(server);
    }

    [Theory]
    [InlineData("xmpp-client", "xmpp-client")]
    [InlineData(null, null)]
    public async Task Direct_tls_negotiates_xmpp_client_and_accepts_clients_without_alpn(string? offered, string? expected)
    {
        using var context = Create(TlsEngine.OpenSsl);
        await using var server = await LoopbackTlsServer.StartAsync(context, directTls: true);
        var options = offered is null
            ? EmbeddedTls.ClientOptions(SslProtocols.Tls13)
            : EmbeddedTls.ClientOptions(SslProtocols.Tls13, "example.com", offered);
        await using (var client = await ConnectAsync(server.Port, options))
        {
            Assert.Equal(expected ?? string.Empty, client.NegotiatedApplicationProtocol.ToString());
            await Echo(client, "<presence/>");
            Assert.Equal(expected, server.LastHandler()!.ApplicationProtocol);
        }

        await AssertServerReleasedEverything(server);
    }

    [Fact]
    public async Task Direct_tls_refuses_clients_that_offer_only_other_protocols()
    {
        using var context = Create(TlsEngine.OpenSsl);
        await using var server = await LoopbackTlsServer.StartAsync(context, directTls: true);
        await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var client = await ConnectAsync(server.Port, EmbeddedTls.ClientOptions(SslProtocols.Tls13, "example.com", "h2"));
            await Echo(client, "x");
        });
        await AssertServerReleasedEverything(server);
    }

    [Fact]
    public async Task Starttls_port_ignores_alpn()
    {
        using var context = Create(TlsEngine.OpenSsl);
        await using var server = await LoopbackTlsServer.StartAsync(context, directTls: false);
        await using var client = await ConnectAsync(server.Port, EmbeddedTls.ClientOptions(SslProtocols.Tls13, "example.com", "xmpp-client"));
        Assert.Equal(string.Empty, client.NegotiatedApplicationProtocol.ToString());
        await Echo(client, "<presence/>");
    }

    [Theory]
    [InlineData(TlsEngine.OpenSsl, "example.net", "CN=example.net")]
    [InlineData(TlsEngine.OpenSsl, "conference.example.net", "CN=example.net")]
    [InlineData(TlsEngine.OpenSsl, "example.com", "CN=example.com")]
    [InlineData(TlsEngine.OpenSsl, "unknown.org", "CN=example.com")]
    [InlineData(TlsEngine.Managed, "example.net", "CN=example.net")]
    [InlineData(TlsEngine.Managed, "unknown.org", "CN=example.com")]
    public async Task Sni_selects_the_certificate(TlsEngine engine, string host, string subject)
    {
        using var context = Create(engine);
        await using var server = await LoopbackTlsServer.StartAsync(context, directTls: false);
        await using var client = await ConnectAsync(server.Port, EmbeddedTls.ClientOptions(SslProtocols.Tls13, host));
        Assert.Equal(subject, client.RemoteCertificate!.Subject);
        await Echo(client, "<iq/>");
    }

    [Theory]
    [InlineData("-tls1_3")]
    [InlineData("-tls1_2")]
    public async Task Openssl_s_client_with_sni_and_alpn(string version)
    {
        var openssl = ExternalProcess.Find("/usr/bin/openssl", "/usr/local/bin/openssl");
        if (openssl is null)
        {
            return; // xunit 2 has no runtime skip; the Debian image has the openssl CLI.
        }

        using var context = Create(TlsEngine.OpenSsl);
        await using var server = await LoopbackTlsServer.StartAsync(context, directTls: true);

        var (output, error) = await ExternalProcess.EchoAsync(
            openssl!,
            ["s_client", "-connect", $"127.0.0.1:{server.Port}", "-servername", "example.net", "-alpn", "xmpp-client", version, "-brief"],
            "<message>ping</message>\n",
            "</message>",
            Limit);

        var transcript = $"stdout: {output}\nstderr: {error}";
        Assert.True(output.Contains("<message>ping</message>", StringComparison.Ordinal), transcript);
        Assert.True(error.Contains(version == "-tls1_3" ? "TLSv1.3" : "TLSv1.2", StringComparison.Ordinal), transcript);
        Assert.Equal("example.net", server.LastHandler()!.ServerName);
        Assert.Equal("xmpp-client", server.LastHandler()!.ApplicationProtocol);
        await AssertServerReleasedEverything(server);
    }

    [Theory]
    [InlineData(TlsEngine.OpenSsl, "TLSv1_3")]
    [InlineData(TlsEngine.OpenSsl, "TLSv1_2")]
    [InlineData(TlsEngine.Managed, "TLSv1_3")]
    public async Task Python_ssl_client(TlsEngine engine, string version)
    {
        var python = ExternalProcess.Find("/usr/bin/python3");
        if (python is null)
        {
            return;
        }

        using var context = Create(engine);
        await using var server = await LoopbackTlsServer.StartAsync(context, directTls: true);
        const string Script = """
            import socket, ssl, sys
            port, version = int(sys.argv[1]), getattr(ssl.TLSVersion, sys.argv[2])
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            ctx.minimum_version = ctx.maximum_version = version
            ctx.set_alpn_protocols(["xmpp-client"])
            with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
                with ctx.wrap_socket(raw, server_hostname="example.com") as s:
                    s.sendall(b"<message>py</message>")
                    data = b""
                    while len(data) < 21:
                        data += s.recv(100)
                    print(s.version(), s.selected_alpn_protocol(), data.decode())
            """;
        var (exit, output, error) = await ExternalProcess.RunAsync(python!, ["-c", Script, server.Port.ToString(), version], null, Limit);

        Assert.True(exit == 0, error);
        var expectedAlpn = engine == TlsEngine.OpenSsl ? "xmpp-client" : "None";
        Assert.Equal($"{version.Replace('_', '.')} {expectedAlpn} <message>py</message>", output.Trim());
    }

    [Fact]
    public async Task Clients_vanishing_mid_handshake_leave_nothing_behind()
    {
        using var context = Create(TlsEngine.OpenSsl);
        await using var server = await LoopbackTlsServer.StartAsync(context, directTls: false);
        var hello = RawClientHello.Create(0x0303);
        for (var i = 0; i < 50; i++)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, server.Port);
            await socket.SendAsync(hello.AsMemory(0, 1 + (i * 7 % (hello.Length - 1))));
            if (i % 2 == 0)
            {
                socket.LingerState = new LingerOption(true, 0); // RST instead of FIN
            }

            socket.Close();
        }

        await using (var client = await ConnectAsync(server.Port, EmbeddedTls.ClientOptions(SslProtocols.Tls13)))
        {
            await Echo(client, "<still-serving/>");
        }

        await AssertServerReleasedEverything(server);
    }

    private static TlsServerContext Create(TlsEngine engine)
        => TlsServerContext.Create([TestCertificates.ExampleCom, TestCertificates.ExampleNet], new TlsServerOptions { Engine = engine });

    private static async Task<SslStream> ConnectAsync(int port, SslClientAuthenticationOptions options)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port).WaitAsync(Limit);
        var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(options).WaitAsync(Limit);
        }
        catch
        {
            await ssl.DisposeAsync();
            tcp.Dispose();
            throw;
        }

        return ssl;
    }

    private static async Task Echo(SslStream client, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        await client.WriteAsync(bytes).AsTask().WaitAsync(Limit);
        var echoed = new byte[bytes.Length];
        await client.ReadExactlyAsync(echoed).AsTask().WaitAsync(Limit);
        Assert.Equal(text, Encoding.UTF8.GetString(echoed));
    }

    private static async Task AssertServerReleasedEverything(LoopbackTlsServer server)
    {
        await WaitUntil(() => OpenSslConnection.LiveCount == 0 && server.Allocator.Live == 0);
        server.Allocator.AssertAllReleased();

        // Resets from vanished clients reach ExceptionCaught as socket errors; nothing else may.
        Assert.All(server.Recorder.Exceptions, e => Assert.True(e is SocketException or IOException || e.InnerException is SocketException, e.ToString()));
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Limit;
        while (!condition() && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
    }
}
