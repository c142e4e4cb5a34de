using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;
using System.Xml.Linq;
using HighPerf.Xmpp.TestKit;

namespace HighPerf.Xmpp.EndToEnd.Tests.Http;

/// <summary>
/// An RFC 7395 client on <see cref="ClientWebSocket"/>: every received message must parse on its own as one XML
/// element (namespace declarations included), which is what the tests pin. Messages are read by a background loop
/// into a queue; <see cref="NextAsync"/> takes them in order with a timeout.
/// </summary>
public sealed class WebSocketTestClient : IAsyncDisposable
{
    public static readonly XNamespace Framing = "urn:ietf:params:xml:ns:xmpp-framing";
    public static readonly XNamespace Streams = "http://etherx.jabber.org/streams";
    public static readonly XNamespace Sasl = "urn:ietf:params:xml:ns:xmpp-sasl";
    public static readonly XNamespace Bind = "urn:ietf:params:xml:ns:xmpp-bind";
    public static readonly XNamespace Client = "jabber:client";

    private readonly ClientWebSocket _socket;
    private readonly Channel<XElement> _received = Channel.CreateUnbounded<XElement>();
    private readonly Task _reader;
    private volatile bool _countOnly;
    private long _counted;

    private WebSocketTestClient(ClientWebSocket socket)
    {
        _socket = socket;
        _reader = Task.Run(ReadLoopAsync);
    }

    public string? Jid { get; private set; }

    /// <summary>How the server closed the WebSocket (null while open).</summary>
    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    public WebSocketState State => _socket.State;

    public static Uri UriOf(IPEndPoint endPoint, bool secure) => new($"{(secure ? "wss" : "ws")}://{endPoint}/xmpp-websocket");

    public static async Task<WebSocketTestClient> ConnectAsync(Uri uri, string? subProtocol = "xmpp")
    {
        var socket = new ClientWebSocket();
        if (subProtocol is not null)
        {
            socket.Options.AddSubProtocol(subProtocol);
        }

        // The test server's certificate is self-signed.
        socket.Options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        using var timeout = new CancellationTokenSource(XmppTestClient.DefaultTimeout);
        try
        {
            await socket.ConnectAsync(uri, timeout.Token);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new WebSocketTestClient(socket);
    }

    public Task SendAsync(string xml) => SendRawAsync(Encoding.UTF8.GetBytes(xml));

    /// <summary>A send with nothing around it (no timeout source): for allocation measurements.</summary>
    public ValueTask SendLeanAsync(ReadOnlyMemory<byte> message) => _socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    public async Task SendRawAsync(ReadOnlyMemory<byte> message, WebSocketMessageType type = WebSocketMessageType.Text)
    {
        using var timeout = new CancellationTokenSource(XmppTestClient.DefaultTimeout);
        await _socket.SendAsync(message, type, endOfMessage: true, timeout.Token);
    }

    /// <summary>The next message as an element; throws on timeout or when the socket closed first.</summary>
    public async Task<XElement> NextAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? XmppTestClient.DefaultTimeout);
        try
        {
            return await _received.Reader.ReadAsync(cancel.Token);
        }
        catch (ChannelClosedException)
        {
            throw new InvalidOperationException($"The WebSocket closed ({_socket.CloseStatus}) before the next message.");
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException("No WebSocket message within the timeout.");
        }
    }

    /// <summary>Skips messages until one matches.</summary>
    public async Task<XElement> ExpectAsync(Func<XElement, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? XmppTestClient.DefaultTimeout);
        while (true)
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException("No matching WebSocket message within the timeout.");
            }

            var element = await NextAsync(left);
            if (match(element))
            {
                return element;
            }
        }
    }

    /// <summary>Waits until the server has closed the WebSocket (its close frame read).</summary>
    public async Task ExpectClosedAsync(TimeSpan? timeout = null)
    {
        var finished = await Task.WhenAny(_reader, Task.Delay(timeout ?? XmppTestClient.DefaultTimeout));
        Assert.True(finished == _reader, "The server did not close the WebSocket.");
    }

    /// <summary>Sends &lt;open/&gt; and returns the server's &lt;open/&gt; and features.</summary>
    public async Task<(XElement Open, XElement Features)> OpenAsync(string to = "localhost")
    {
        await SendAsync($"<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='{to}' version='1.0'/>");
        var open = await NextAsync();
        Assert.Equal(Framing + "open", open.Name);
        var features = await NextAsync();
        Assert.Equal(Streams + "features", features.Name);
        return (open, features);
    }

    /// <summary>SCRAM (or PLAIN), returning the outcome element.</summary>
    public async Task<XElement> AuthenticateAsync(string user, string password, string mechanism = "SCRAM-SHA-256")
    {
        if (mechanism == "PLAIN")
        {
            var plain = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}"));
            await SendAsync($"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>{plain}</auth>");
            return await NextAsync();
        }

        var scram = new ScramClient(user, password, mechanism == "SCRAM-SHA-1" ? HashAlgorithmName.SHA1 : HashAlgorithmName.SHA256);
        await SendAsync($"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='{mechanism}'>{Convert.ToBase64String(scram.ClientFirst())}</auth>");
        var challenge = await NextAsync();
        if (challenge.Name != Sasl + "challenge")
        {
            return challenge;
        }

        await SendAsync($"<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>{Convert.ToBase64String(scram.ClientFinal(Convert.FromBase64String(challenge.Value)))}</response>");
        var outcome = await NextAsync();
        if (outcome.Name == Sasl + "success")
        {
            Assert.True(scram.VerifyServerFinal(Convert.FromBase64String(outcome.Value)), "The server's SCRAM signature is wrong.");
        }

        return outcome;
    }

    /// <summary>open, SCRAM-SHA-256, restart with a new &lt;open/&gt;, bind: a ready client.</summary>
    public static async Task<WebSocketTestClient> LoginAsync(Uri uri, string user, string resource, string password = "secret")
    {
        var client = await ConnectAsync(uri);
        try
        {
            await client.OpenAsync();
            var outcome = await client.AuthenticateAsync(user, password);
            Assert.True(outcome.Name == Sasl + "success", $"Authentication failed: {outcome}");
            var (_, features) = await client.OpenAsync();
            Assert.NotNull(features.Element(Bind + "bind"));
            await client.SendAsync($"<iq xmlns='jabber:client' type='set' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>{resource}</resource></bind></iq>");
            var result = await client.NextAsync();
            client.Jid = result.Element(Bind + "bind")?.Element(Bind + "jid")?.Value
                ?? throw new InvalidOperationException($"Bind failed: {result}");
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>From now on messages are only counted, not parsed (allocation measurements).</summary>
    public void CountOnly() => _countOnly = true;

    /// <summary>Messages received since <see cref="CountOnly"/>.</summary>
    public long Counted => Interlocked.Read(ref _counted);

    /// <summary>Drops the connection without &lt;close/&gt; or a close handshake, as a browser tab that loses its network.</summary>
    public async Task AbortAsync()
    {
        _socket.Abort();
        await Task.WhenAny(_reader, Task.Delay(TimeSpan.FromSeconds(2)));
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
            }
        }

        _socket.Abort();
        await Task.WhenAny(_reader, Task.Delay(TimeSpan.FromSeconds(2)));
        _socket.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer.AsMemory(), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (_socket.State == WebSocketState.CloseReceived)
                    {
                        await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    }

                    return;
                }

                if (_countOnly)
                {
                    if (result.EndOfMessage)
                    {
                        Interlocked.Increment(ref _counted);
                    }

                    continue;
                }

                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                var text = Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length);
                message.SetLength(0);
                // Standalone: parsing fails on an undeclared prefix or a second root.
                XElement element;
                try
                {
                    element = XElement.Parse(text);
                }
                catch (System.Xml.XmlException ex)
                {
                    _received.Writer.TryComplete(new InvalidOperationException($"A message is not one standalone element: {text}", ex));
                    return;
                }

                _received.Writer.TryWrite(element);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            _received.Writer.TryComplete();
        }
    }
}
