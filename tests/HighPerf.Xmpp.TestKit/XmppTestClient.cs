using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
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
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);
    private static readonly XNamespace Client = "jabber:client";

    private readonly Socket _socket;
    private readonly Queue<XmppEvent> _events = new();
    private readonly byte[] _readBuffer = new byte[16384];
    private Stream _stream;
    private XmlStreamTokenizer _tokenizer = new();
    private bool _disconnected;

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

    public static async Task<XmppTestClient> ConnectAsync(IPEndPoint endPoint, string domain, bool directTls = false)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
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

            var sink = new EventSink(_events);
            var error = _tokenizer.Feed(_readBuffer.AsSpan(0, read), ref sink, out _);
            if (error != XmlStreamError.None)
            {
                throw new InvalidOperationException($"The server sent bad XML ({error}).");
            }
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
                return next.Element!;
            }
        }
    }

    /// <summary>Expects a stream error with the given condition, then the end of the stream and connection.</summary>
    public async Task ExpectStreamErrorAsync(string condition, TimeSpan? timeout = null)
    {
        var next = await NextAsync(timeout);
        while (next.Kind == XmppEventKind.StreamOpened)
        {
            next = await NextAsync(timeout);
        }

        if (next.Kind != XmppEventKind.Element || next.Element!.Name.LocalName != "error"
            || next.Element.Elements().FirstOrDefault()?.Name != XName.Get(condition, "urn:ietf:params:xml:ns:xmpp-streams"))
        {
            throw new InvalidOperationException($"Expected stream error {condition}, got {next}.");
        }

        await ExpectClosedAsync(timeout);
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
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            RemoteCertificateValidationCallback = (_, _, _, _) => true, // test servers use self-signed certificates
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

    private void ResetTokenizer()
    {
        _tokenizer.Dispose();
        _tokenizer = new XmlStreamTokenizer();
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
            events.Enqueue(new XmppEvent(XmppEventKind.Element, xml, ParseElement(xml)));
            return true;
        }

        public bool OnStreamClose()
        {
            events.Enqueue(new XmppEvent(XmppEventKind.StreamClosed, "", null));
            return true;
        }
    }
}
