using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace HighPerf.TlsMemory;

/// <summary>A client connection as XMPP clients make them: TCP from a chosen source address, then TLS.</summary>
internal static class TlsClient
{
    public static ReadOnlySpan<byte> Presence => "<presence/>"u8;

    public static async Task<Stream> ConnectAsync(IPAddress source, int port, string tls)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var network = new NetworkStream(socket, ownsSocket: true);
        if (tls == "plain")
        {
            return network;
        }

        var ssl = new SslStream(network, leaveInnerStreamOpen: false);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = tls == "12" ? SslProtocols.Tls12 : SslProtocols.Tls13,

            // The benchmark's own self-signed certificate.
            RemoteCertificateValidationCallback = static (_, certificate, _, _) => certificate?.Subject == "CN=localhost",
        });
        return ssl;
    }

    /// <summary>One small stanza there and back, so the session has carried data both ways like a logged-in one.</summary>
    public static async Task ExchangeAsync(Stream stream)
    {
        await stream.WriteAsync(Presence.ToArray());
        var echoed = new byte[Presence.Length];
        await stream.ReadExactlyAsync(echoed);
    }

    /// <summary>Opens an XMPP stream and reads up to the end of the server's stream features (for a real XMPP server).</summary>
    public static async Task OpenStreamAsync(Stream stream)
    {
        await stream.WriteAsync("<?xml version='1.0'?><stream:stream to='localhost' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>"u8.ToArray());
        var received = new List<byte>();
        var buffer = new byte[4096];
        while (received.Count < 65536)
        {
            var n = await stream.ReadAsync(buffer);
            if (n == 0)
            {
                throw new IOException("stream closed before features");
            }

            received.AddRange(buffer.AsSpan(0, n));
            if (System.Text.Encoding.UTF8.GetString(received.ToArray()).Contains("</stream:features>", StringComparison.Ordinal))
            {
                return;
            }
        }
    }

    public static IPAddress Source(int block, int index) => new([127, (byte)block, (byte)(1 + (index % 250)), 1]);
}
