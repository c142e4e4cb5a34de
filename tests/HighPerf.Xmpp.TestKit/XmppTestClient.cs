using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using HighPerf.Xmpp.Xml.Tokenizer;

namespace HighPerf.Xmpp.TestKit;

/// <summary>
/// A raw-socket XMPP client for tests: it sends exactly the XML a test gives it and hands back what the
/// server sent, element by element. Reads happen only when a test asks for the next event, so nothing is
/// read ahead across a TLS or stream restart.
/// </summary>
public sealed partial class XmppTestClient : IAsyncDisposable
{
    // How long an expected stanza may take: generous, because CI shares two cores among test processes, server
    // processes and (for cluster tests) the engine; a passing test never waits for it, only a failing one does.
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    private static readonly XNamespace Client = "jabber:client";

    private readonly Socket _socket;
    private readonly Queue<XmppEvent> _events = new();
    private readonly byte[] _readBuffer = new byte[16384];
    private Stream _stream;
    // A client accepts what a server may legitimately send: a roster of thousands of items is bigger than the
    // server's own inbound stanza limit.
    private static readonly XmlStreamLimits ClientLimits = new() { MaxStanzaBytes = 16 << 20 };

    private XmlStreamTokenizer _tokenizer = new(ClientLimits);
    private bool _disconnected;
    private int _barriers;

    private XmppTestClient(Socket socket, Stream stream, string domain)
    {
        _socket = socket;
        _stream = stream;
        Domain = domain;
    }

    public string Domain { get; }

    public string? Jid { get; private set; }

    public bool IsSecure => _stream is SslStream;

    /// <summary>The ALPN protocol negotiated on a direct-TLS connection.</summary>
    public string? NegotiatedAlpn { get; private set; }

    /// <summary>The TLS version negotiated (none before TLS).</summary>
    public SslProtocols TlsProtocol => _stream is SslStream ssl ? ssl.SslProtocol : SslProtocols.None;

    /// <summary>The certificate the server presented, once TLS is up.</summary>
    public X509Certificate2? ServerCertificate { get; private set; }

    /// <summary>TLS versions offered by <see cref="StartTlsAsync"/> and direct TLS.</summary>
    public SslProtocols TlsVersions { get; set; } = SslProtocols.Tls12 | SslProtocols.Tls13;

    /// <param name="receiveBufferSize">A small socket receive buffer makes a client that stops reading
    /// push back on the server quickly (slow-reader tests).</param>
    public static async Task<XmppTestClient> ConnectAsync(IPEndPoint endPoint, string domain, bool directTls = false, int? receiveBufferSize = null)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (receiveBufferSize is { } size)
        {
            socket.ReceiveBufferSize = size;
        }

        await socket.ConnectAsync(endPoint);
        var client = new XmppTestClient(socket, new NetworkStream(socket, ownsSocket: false), domain);
        if (directTls)
        {
            await client.UpgradeToTlsAsync([new SslApplicationProtocol("xmpp-client")]);
        }

        return client;
    }

    public Task SendAsync(string xml) => SendRawAsync(Encoding.UTF8.GetBytes(xml));

    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Sends the bytes split into chunks with a pause between them (a slow or fragmenting sender).</summary>
    public async Task SendInChunksAsync(string xml, int chunkSize, TimeSpan pause)
    {
        var bytes = Encoding.UTF8.GetBytes(xml);
        for (var i = 0; i < bytes.Length; i += chunkSize)
        {
            await SendRawAsync(bytes.AsMemory(i, Math.Min(chunkSize, bytes.Length - i)));
            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause);
            }
        }
    }

    /// <summary>The next thing the server sent, waiting up to <paramref name="timeout"/>.</summary>
    public async Task<XmppEvent> NextAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? DefaultTimeout);
        while (_events.Count == 0)
        {
            if (_disconnected)
            {
                return new XmppEvent(XmppEventKind.Disconnected, "", null);
            }

            int read;
            try
            {
                read = await _stream.ReadAsync(_readBuffer, cancel.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Nothing received within {timeout ?? DefaultTimeout}.");
            }
            catch (Exception ex) when (ex is IOException or SocketException or AuthenticationException)
            {
                read = 0;
            }

            if (read == 0)
            {
                _disconnected = true;
                continue;
            }

            Feed(_readBuffer.AsSpan(0, read));
        }

        return _events.Dequeue();
    }

    /// <summary>The next element, failing on anything else.</summary>
    public async Task<XElement> NextElementAsync(TimeSpan? timeout = null)
    {
        var next = await NextAsync(timeout);
        return next.Kind == XmppEventKind.Element
            ? next.Element!
            : throw new InvalidOperationException($"Expected an element, got {next}.");
    }

    /// <summary>Skips elements until one matches (presence noise etc.), failing after the timeout.</summary>
    public async Task<XElement> ExpectAsync(Func<XElement, bool> match, TimeSpan? timeout = null)
        => (await ExpectEventAsync(match, timeout)).Element!;

    /// <summary>As <see cref="ExpectAsync"/>, returning the event with the element's bytes as the server sent them.</summary>
    public async Task<XmppEvent> ExpectEventAsync(Func<XElement, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException("No matching element arrived.");
            }

            var next = await NextAsync(left);
            if (next.Kind != XmppEventKind.Element)
            {
                throw new InvalidOperationException($"Expected an element, got {next}.");
            }

            if (match(next.Element!))
            {
                return next;
            }
        }
    }

    /// <summary>
    /// Expects a stream error with the given condition (RFC 6120 §4.9), then &lt;/stream:stream&gt; and the
    /// connection closing. Elements before the error are skipped when <paramref name="skipOthers"/>. The
    /// error can only be parsed inside a stream header from the server, so a server that forgets its header
    /// fails here with "bad XML".
    /// </summary>
    public async Task ExpectStreamErrorAsync(string condition, TimeSpan? timeout = null, bool skipOthers = false)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        var next = await NextAsync(timeout);
        while (next.Kind == XmppEventKind.StreamOpened
            || (skipOthers && next.Kind == XmppEventKind.Element && next.Element!.Name != Streams + "error"))
        {
            next = await NextAsync(Remaining(deadline));
        }

        if (next.Kind != XmppEventKind.Element || next.Element!.Name != Streams + "error"
            || next.Element.Elements().FirstOrDefault()?.Name != XName.Get(condition, "urn:ietf:params:xml:ns:xmpp-streams"))
        {
            throw new InvalidOperationException($"Expected stream error {condition}, got {next}.");
        }

        next = await NextAsync(Remaining(deadline));
        if (next.Kind != XmppEventKind.StreamClosed)
        {
            throw new InvalidOperationException($"Expected </stream:stream> after the stream error, got {next}.");
        }

        await ExpectClosedAsync(Remaining(deadline));
    }

    private static TimeSpan Remaining(DateTime deadline)
    {
        var left = deadline - DateTime.UtcNow;
        return left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1);
    }

    /// <summary>Expects &lt;/stream:stream&gt; (optional) and then the connection to close.</summary>
    public async Task ExpectClosedAsync(TimeSpan? timeout = null)
    {
        var next = await NextAsync(timeout);
        if (next.Kind == XmppEventKind.StreamClosed)
        {
            next = await NextAsync(timeout);
        }

        if (next.Kind != XmppEventKind.Disconnected)
        {
            throw new InvalidOperationException($"Expected the connection to close, got {next}.");
        }
    }

    /// <summary>Asserts that nothing arrives for a while (e.g. no leaked presence).</summary>
    public async Task ExpectSilenceAsync(TimeSpan duration)
    {
        try
        {
            var next = await NextAsync(duration);
            throw new InvalidOperationException($"Expected silence, got {next}.");
        }
        catch (TimeoutException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }

        await _stream.DisposeAsync();
        _socket.Dispose();
        _tokenizer.Dispose();
    }

    private async Task UpgradeToTlsAsync(List<SslApplicationProtocol>? alpn = null)
    {
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = Domain,
            EnabledSslProtocols = TlsVersions,
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                ServerCertificate = certificate is null ? null : new X509Certificate2(certificate);
                return true; // test servers use self-signed certificates
            },
        };
        if (alpn is not null)
        {
            options.ApplicationProtocols = alpn;
        }

        await ssl.AuthenticateAsClientAsync(options);
        NegotiatedAlpn = ssl.NegotiatedApplicationProtocol == default ? null : ssl.NegotiatedApplicationProtocol.ToString();
        _stream = ssl;
        ResetTokenizer();
    }

    /// <summary>
    /// Tokenizes what arrived. After SASL &lt;success/&gt; the server's next bytes belong to a new stream
    /// (RFC 6120 §6.4.6), possibly in the same read when the client pipelined its restart, so the tokenizer
    /// starts afresh right after that element.
    /// </summary>
    private void Feed(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            var sink = new EventSink(_events);
            var error = _tokenizer.Feed(data, ref sink, out var consumed);
            if (error != XmlStreamError.None)
            {
                throw new InvalidOperationException($"The server sent bad XML ({error}).");
            }

            if (_events.Count == 0 || _events.Last() is not { Kind: XmppEventKind.Element } last || last.Element!.Name != Sasl + "success")
            {
                return;
            }

            ResetTokenizer();
            data = data[consumed..];
        }
    }

    private void ResetTokenizer()
    {
        _tokenizer.Dispose();
        _tokenizer = new XmlStreamTokenizer(ClientLimits);
    }

    internal static XElement ParseElement(string xml)
    {
        var names = new XmlNamespaceManager(new NameTable());
        names.AddNamespace("stream", "http://etherx.jabber.org/streams");
        names.AddNamespace(string.Empty, "jabber:client");
        var context = new XmlParserContext(null, names, null, XmlSpace.None);
        using var reader = XmlReader.Create(new StringReader(xml), new XmlReaderSettings { ConformanceLevel = ConformanceLevel.Fragment }, context);
        reader.MoveToContent();
        return XElement.Load(reader);
    }

    private readonly struct EventSink(Queue<XmppEvent> events) : IXmlStreamSink
    {
        public bool OnStreamOpen(in StreamHeader header)
        {
            events.Enqueue(new XmppEvent(XmppEventKind.StreamOpened, Encoding.UTF8.GetString(header.Raw), null));
            return true;
        }

        public bool OnElement(in HighPerf.Xmpp.Xml.Tokenizer.XmlElement element)
        {
            var xml = Encoding.UTF8.GetString(element.Raw);
            var parsed = ParseElement(xml);
            events.Enqueue(new XmppEvent(XmppEventKind.Element, xml, parsed));

            // Stop at SASL success: what follows is a new stream (see Feed).
            return parsed.Name != Sasl + "success";
        }

        public bool OnStreamClose()
        {
            events.Enqueue(new XmppEvent(XmppEventKind.StreamClosed, "", null));
            return true;
        }
    }
}
