using System.Diagnostics.CodeAnalysis;
using System.Text;
using HighPerf.Xmpp.Core.Buffers;
using HighPerf.Xmpp.Core.Hosting;
using HighPerf.Xmpp.Core.Protocol;
using HighPerf.Xmpp.Core.Routing;
using HighPerf.Xmpp.Xml.Tokenizer;
using Microsoft.Extensions.Logging;

namespace HighPerf.Xmpp.Core.Sessions;

/// <summary>
/// One client-to-server stream: negotiation (header, STARTTLS, SASL, bind), then stanza handling. All
/// methods except those marked thread-safe run on the connection's event loop, which the transport
/// guarantees; other threads reach a session only through its transport's queue.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "The tokenizer's pooled buffers are returned when the connection closes (OnTransportClosed, CloseWithStreamError), not by a caller.")]
public sealed partial class XmppSession
{
    private readonly XmppServer _server;
    private ISessionTransport _transport;
    private XmlStreamTokenizer _tokenizer;
    private StreamStage _stage;
    private bool _headerSent;
    private bool _restartPending;
    private bool _tlsPending;
    private bool _compressionPending;
    private byte[]? _domain;
    private int _bareLength;
    private int _resourceStart = -1;
    private LocalUser? _user;
    private int _ended;
    private bool _feeding;

    public XmppSession(XmppServer server, ISessionTransport transport)
    {
        _server = server;
        _transport = transport;
        _tokenizer = new XmlStreamTokenizer(server.Options.XmlLimits);
    }

    public XmppServer Server => _server;

    /// <summary>The connection under this session; it changes when a XEP-0198 resume moves the session.</summary>
    public ISessionTransport Transport => Volatile.Read(ref _transport);

    public StreamStage Stage => _stage;

    public bool IsAuthenticated { get; private set; }

    public bool IsBound => _stage == StreamStage.Bound;

    /// <summary>The served domain this stream is for (normalized).</summary>
    public ReadOnlySpan<byte> Domain => _domain;

    /// <summary>The user entry in the routing table while bound.</summary>
    public LocalUser? User => _user;

    /// <summary>The stream error this session closed with (its RFC 6120 name), or null: for the connection's
    /// close log line and metrics.</summary>
    public string? CloseReason { get; private set; }

    /// <summary>Bytes the tokenizer holds for an unfinished stanza.</summary>
    public int BufferedInputBytes => _tokenizer.BufferedBytes;

    /// <summary>Per-session state owned by the presence logic (RFC 6121 §4) while bound.</summary>
    public object? PresenceState => Volatile.Read(ref _presenceState);

    private object? _presenceState;

    /// <summary>Thread-safe: sets the presence state once and returns whichever state won.</summary>
    public object GetOrAddPresenceState(object candidate)
        => Interlocked.CompareExchange(ref _presenceState, candidate, null) ?? candidate;

    /// <summary>
    /// Feeds bytes read from the connection. Returns how many were consumed: less than
    /// <paramref name="input"/>.Length only when the session switched the transport to TLS, in which case the
    /// rest belongs to the TLS layer.
    /// </summary>
    public int ProcessInput(ReadOnlySpan<byte> input)
    {
        _feeding = true;
        try
        {
            return Feed(input);
        }
        finally
        {
            _feeding = false;
            if (_stage == StreamStage.Closed)
            {
                _tokenizer.Dispose();
            }
        }
    }

    private int Feed(ReadOnlySpan<byte> input)
    {
        var offset = 0;
        while (offset < input.Length && _stage != StreamStage.Closed)
        {
            var sink = new SessionSink(this);
            var error = _tokenizer.Feed(input[offset..], ref sink, out var consumed);
            offset += consumed;
            if (error != XmlStreamError.None)
            {
                if (_stage != StreamStage.Closed)
                {
                    CloseWithStreamError(StreamErrors.FromTokenizer(error));
                }

                return input.Length;
            }

            if (_tlsPending)
            {
                _tlsPending = false;
                RestartStream();
                _transport.StartTls();
                return offset;
            }

            if (_compressionPending)
            {
                _compressionPending = false;
                RestartStream();
                _transport.StartCompression();
                return offset;
            }

            if (_restartPending)
            {
                _restartPending = false;
                RestartStream();
            }
        }

        // A session that handed its stream to a resumed one (XEP-0198) leaves the rest of the input to it.
        return _stage == StreamStage.Closed && !_handedOver ? input.Length : offset;
    }

    /// <summary>
    /// Session loop only, from a stream element handler that has queued XEP-0138 &lt;compressed/&gt; and then returns
    /// false: the stream restarts after the current element, as after SASL success (RFC 6120 §4.3.3), and the
    /// transport compresses from there; the rest of the current read already belongs to the compressed layer.
    /// </summary>
    public void RestartStreamCompressed() => _compressionPending = true;

    /// <summary>Thread-safe. Queues bytes for this client; false when the connection is gone or over its bound.</summary>
    public bool Send(scoped in OutboundParts parts)
    {
        var filter = OutboundFilter;
        return filter is null ? HandToTransport(parts) : filter.Send(this, parts);
    }

    /// <summary>Thread-safe. Queues bytes for this client.</summary>
    public bool Send(ReadOnlySpan<byte> bytes) => Send(new OutboundParts(bytes));

    /// <summary>Called by the transport (on the session's loop) once the connection is closed, cleanly or not.</summary>
    public void OnTransportClosed()
    {
        if (_stage == StreamStage.Bound && TryDetach())
        {
            // XEP-0198: the connection dropped under a resumable session; it waits for a resume, still bound. Nothing
            // feeds it meanwhile (a resume brings the new connection's tokenizer), so the used one, with the arrays it
            // grew, goes now: a fresh one holds no arrays (about 1 KiB less per detached session).
            if (!_feeding)
            {
                _tokenizer.Dispose();
                _tokenizer = new XmlStreamTokenizer(_server.Options.XmlLimits);
            }

            return;
        }

        _stage = StreamStage.Closed;
        if (!_feeding)
        {
            // The tokenizer's pooled buffers go back only outside a Feed call, which may still be using them.
            _tokenizer.Dispose();
        }

        End();
    }

    /// <summary>Closes the stream with a stream error (RFC 6120 §4.9), sending our header first if needed.</summary>
    public void CloseWithStreamError(StreamErrorCondition condition)
    {
        if (_stage == StreamStage.Closed)
        {
            return;
        }

        CoreLog.StreamError(_server.Logger, StreamErrors.Name(condition), _transport.RemoteAddress);
        CloseReason = StreamErrors.Name(condition);
        _server.Metrics.StreamErrors.Add(1, new KeyValuePair<string, object?>("condition", CloseReason));
        if (_headerSent)
        {
            _transport.EnqueueAndClose(new OutboundParts(StreamErrors.Get(condition)));
        }
        else
        {
            var writer = ScratchWriter.Rent();
            WriteStreamHeader(writer, default);
            writer.Write(StreamErrors.Get(condition));
            _transport.EnqueueAndClose(new OutboundParts(writer.WrittenSpan));
        }

        _stage = StreamStage.Closed;
        if (!_feeding)
        {
            _tokenizer.Dispose();
        }

        End();
    }

    /// <summary>
    /// Thread-safe. Ends this session from elsewhere (a replacing login, an admin kick, shutdown) with a stream
    /// error. The close runs on the session's own loop, which knows whether our stream header went out yet
    /// (a connection that has sent nothing still gets a well-formed stream). Rare, so it may allocate.
    /// </summary>
    public void Kick(StreamErrorCondition condition)
    {
        if (TryClaimDetachedEnd(generation: null))
        {
            // A detached session (XEP-0198) has no connection to send the error to: it ends here and now.
            FinishDetached(StreamErrors.Name(condition));
            return;
        }

        _transport.Schedule(TimeSpan.Zero, state => ((XmppSession)state!).CloseWithStreamError(condition), this);
    }

    private void RestartStream()
    {
        _tokenizer.Reset();
        _headerSent = false;
        _stage = StreamStage.AwaitingHeader;
    }

    private void End()
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
        {
            return;
        }

        var user = _user;
        if (user is null)
        {
            return;
        }

        if (_server.Logger.IsEnabled(LogLevel.Information))
        {
            CoreLog.SessionEnded(_server.Logger, Encoding.UTF8.GetString(FullJid));
        }

        var last = _server.Routes.Detach(user, this);
        foreach (var observer in _server.Modules.SessionObservers)
        {
            observer.OnEnded(this, last);
        }

        if (Volatile.Read(ref _sm) is { } sm)
        {
            FinishStreamManagement(sm);
        }
    }

    /// <summary>The tokenizer's callbacks, forwarded directly (a struct sink: no interface dispatch).</summary>
    private readonly struct SessionSink(XmppSession session) : IXmlStreamSink
    {
        public bool OnStreamOpen(in StreamHeader header) => session.OnStreamOpen(header);

        public bool OnElement(in XmlElement element) => session.OnElement(element);

        public bool OnStreamClose() => session.OnStreamClose();
    }
}
