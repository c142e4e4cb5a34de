using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using HighPerf.Xmpp.Transport.Tls;

namespace HighPerf.Xmpp.EndToEnd.Tests.Federation;

/// <summary>
/// A hand-driven receiving s2s server for one domain: it accepts one connection, answers the header, STARTTLS (a
/// self-signed certificate) and the dialback request with "valid" (it trusts the initiator), then reads nothing
/// more unless asked to (<see cref="ReadUntilStreamCloseAsync"/>), so whatever our server sends piles up in its
/// buffers. <see cref="Reset"/> then drops the connection with a TCP reset. The listener accepts only that one
/// connection.
/// </summary>
internal sealed class StalledPeer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly string _directory;
    private readonly string _domain;
    private Socket? _socket;
    private SslStream? _tls;

    private StalledPeer(TcpListener listener, string directory, string domain)
    {
        _listener = listener;
        _directory = directory;
        _domain = domain;
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public static StalledPeer Listen(string address, string domain)
    {
        var listener = new TcpListener(IPAddress.Parse(address), 0);
        // Inherited by the accepted socket: a small window, so that little fits on the peer's side.
        listener.Server.ReceiveBufferSize = 4096;
        listener.Start();
        return new StalledPeer(listener, Path.Combine(Path.GetTempPath(), "hpx-stalled-" + Guid.NewGuid().ToString("N")), domain);
    }

    /// <summary>Accepts the connection and authenticates it, then stops listening and reading.</summary>
    public async Task AcceptAndAuthenticateAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        _socket = await _listener.AcceptSocketAsync(cancel.Token);
        _listener.Stop();
        Stream stream = new NetworkStream(_socket, ownsSocket: false);
        await ReadUntilAsync(stream, "<stream:stream", ">", cancel.Token);
        await WriteAsync(stream, Header("s1") + "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls></stream:features>");
        await ReadUntilAsync(stream, "<starttls", "/>", cancel.Token);
        await WriteAsync(stream, "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
        var files = SelfSignedCertificate.EnsureExists(_directory, _domain);
        using var certificate = X509Certificate2.CreateFromPemFile(files.CertificatePath, files.PrivateKeyPath);
        _tls = new SslStream(stream, false);
        await _tls.AuthenticateAsServerAsync(X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null), false, false);
        await ReadUntilAsync(_tls, "<stream:stream", ">", cancel.Token);
        await WriteAsync(_tls, Header("s2") + "<stream:features><dialback xmlns='urn:xmpp:features:dialback'/></stream:features>");
        var result = await ReadUntilAsync(_tls, "<db:result", "</db:result>", cancel.Token);
        var from = System.Text.RegularExpressions.Regex.Match(result, "from='([^']+)'").Groups[1].Value;
        await WriteAsync(_tls, $"<db:result from='{_domain}' to='{from}' type='valid'/>");
    }

    /// <summary>Reads what our server sends after authentication until it closes the stream (idle tests).</summary>
    public async Task<string> ReadUntilStreamCloseAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        return await ReadUntilAsync(_tls ?? throw new InvalidOperationException("not authenticated"), "", "</stream:stream>", cancel.Token);
    }

    /// <summary>Drops the connection with a TCP reset (linger 0): what our server had not written fails there.</summary>
    public void Reset()
    {
        if (_socket is { } socket)
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
    }

    public ValueTask DisposeAsync()
    {
        _listener.Stop();
        _tls?.Dispose();
        _socket?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Never created (no connection came), or cleaned up with the temp folder later.
        }

        return ValueTask.CompletedTask;
    }

    private string Header(string id)
        => $"<stream:stream xmlns='jabber:server' xmlns:stream='http://etherx.jabber.org/streams' xmlns:db='jabber:server:dialback' version='1.0' id='{id}' from='{_domain}'>";

    private static async Task WriteAsync(Stream stream, string xml)
    {
        await stream.WriteAsync(Encoding.UTF8.GetBytes(xml));
        await stream.FlushAsync();
    }

    /// <summary>Reads a byte at a time (nothing past what is asked for is taken) until <paramref name="start"/> then <paramref name="end"/> arrived.</summary>
    private static async Task<string> ReadUntilAsync(Stream stream, string start, string end, CancellationToken cancel)
    {
        var text = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one, cancel) == 0)
            {
                throw new IOException($"The connection closed before '{start}…{end}'; got: {text}");
            }

            text.Append((char)one[0]);
            var seen = text.ToString();
            var at = seen.IndexOf(start, StringComparison.Ordinal);
            if (at >= 0 && seen.IndexOf(end, at + start.Length, StringComparison.Ordinal) >= 0)
            {
                return seen;
            }
        }
    }
}
